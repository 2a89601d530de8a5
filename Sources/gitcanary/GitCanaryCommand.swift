import ArgumentParser

/// The `gitcanary` command: Flagger-compatible progressive delivery as a batch job.
@main
struct GitCanaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitcanary",
        abstract: "Flagger-compatible progressive delivery as a batch job: sync Git, advance each due canary one step, exit.",
        version: GitCanaryVersion.string,
        subcommands: [
            ValidateCommand.self,
            StatusCommand.self,
            SandboxCommand.self,
            SourceCommand.self,
            ReconcileCommand.self,
            PlanCommand.self,
            GateCommand.Approve.self,
            GateCommand.Reject.self,
            GateCommand.Retry.self,
            DemoCommand.self,
        ]
    )

    /// Tunes the allocator, then parses and runs as `AsyncParsableCommand.main()` does.
    static func main() async {
        MemoryTuning.apply()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
