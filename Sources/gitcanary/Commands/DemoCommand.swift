import ArgumentParser
import Foundation
import Reconciler
import Resources
import Sandbox

/// `gitcanary demo`: a whole release story on the in-process Sandbox with a stepped clock: v1 initialized, v2
/// promoted step by step, v3 (a bad success rate) rolled back. Each step is printed as it happens.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a whole release on the built-in sandbox cluster with a stepped clock (v1 initialized, v2 promoted, v3 rolled back).")

    @Option(help: "The example directory under examples/ to play.")
    var example: String = "demo-istio"
    @Option(help: "The project directory holding examples/ and deploy/crds/ (default: found from the working directory or the executable).")
    var projectDir: String?
    @Option(help: "Log level on stderr.")
    var logLevel: String = EnvironmentDefault.string("LOG_LEVEL", default: "error")

    func run() async throws {
        let logger = LogSetup.logger("gitcanary.demo", level: logLevel, format: nil)
        guard let project = DemoWorld.projectDirectory(projectDir) else {
            throw ValidationError("cannot find examples/ and deploy/crds/; run from the project directory or pass --project-dir")
        }
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox(options: Sandbox.Options(port: 0))
        } catch {
            throw ValidationError(error.description)
        }
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        sandbox.setClock(start, freeze: true)
        let world: DemoWorld
        do {
            world = try DemoWorld.make(project: project, example: example, sandbox: sandbox, logger: logger)
        } catch {
            sandbox.stop()
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        defer { world.cleanUp() }
        print("Sandbox cluster on \(sandbox.apiURL); Git repository \(world.repo)")
        print("Each line is one `gitcanary reconcile` run; the clock steps one analysis interval (1m) between runs.\n")
        do {
            try await play(world, start: start)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    func play(_ w: DemoWorld, start: Date) async throws {
        print("== v1: podinfo 6.7.0 — first sync, the primary is bootstrapped")
        try await steps(w, start: start, until: [.initialized], maxRuns: 6)
        print("\n== v2: podinfo 6.7.1 — a good release, promoted step by step")
        try w.change("deployment.yaml", [("podinfo:6.7.0", "podinfo:6.7.1")], message: "v2")
        try await steps(w, start: start, until: [.succeeded], maxRuns: 15)
        print("\n== v3: podinfo 6.7.2 — a bad release (success rate 80%), rolled back")
        try w.change("deployment.yaml", [
            ("podinfo:6.7.1", "podinfo:6.7.2"),
            ("      labels:\n        app: podinfo\n    spec:", "      labels:\n        app: podinfo\n      annotations:\n        sandbox.gitcanary.dev/success-rate: \"80\"\n    spec:"),
        ], message: "v3")
        try await steps(w, start: start, until: [.failed], maxRuns: 15)
        print("\nDone: v1 initialized, v2 promoted, v3 rolled back (and not retried until Git changes it).")
    }

    /// Runs reconcile, printing the canary's line, stepping the clock, until the phase is reached.
    func steps(_ w: DemoWorld, start: Date, until: Set<CanaryPhase>, maxRuns: Int) async throws {
        for _ in 0..<maxRuns {
            let report = try await w.run()
            let elapsed = Int(w.sandbox.now.timeIntervalSince(start))
            let clock = String(format: "+%02d:%02d", elapsed / 60, elapsed % 60)
            if let e = report.errors.first { throw DemoError(e) }
            if let cs = report.changeSet, cs.counts.keys.contains(where: { $0 != .unchanged }) {
                print("\(clock)  git sync: \(cs.summary)")
            }
            guard let c = report.canaries.first else {
                print("\(clock)  (no canary yet)")
                w.sandbox.advanceClock(by: 60)
                continue
            }
            if let e = c.error { throw DemoError(e) }
            let phase = c.phaseAfter.rawValue.isEmpty ? "-" : c.phaseAfter.rawValue
            print("\(clock)  \(phase.padding(toLength: 17, withPad: " ", startingAt: 0)) \(ReportText.bar(c.weightAfter))  \(c.decision)")
            fflush(nil)
            if until.contains(c.phaseAfter) { return }
            w.sandbox.advanceClock(by: 60)
        }
        throw DemoError("the canary did not reach \(until.map(\.rawValue).sorted().joined(separator: "/")) in \(maxRuns) runs")
    }
}
