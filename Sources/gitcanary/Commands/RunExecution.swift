import ArgumentParser
import Foundation
import KubeAPI
import Reconciler
import Resources

/// What `reconcile` and `plan` share: build the environment, run, print, write the summary and metrics, and map
/// the report to an exit code (0 ok, rollbacks included; 1 run error; 3 with --fail-on-rollback).
enum RunExecution {
    static func execute(_ options: RunOptions, mode: RunMode) async throws {
        let logger = LogSetup.logger("gitcanary.\(mode.rawValue)", level: options.logLevel, format: options.logFormat)
        let environment = try options.environment(logger: logger)
        let runOptions = try options.reconcileOptions(mode: mode, client: environment.client)
        let report = await Reconciler(environment: environment).run(runOptions)
        defer { ExitArena.keep(report) }  // freed by the exit, not object by object
        switch options.output {
        case .text: print(ReportText.render(report))
        case .json: print(JSONWriter.string(ReportJSON.document(report), options: .init(sortedKeys: true, pretty: true)))
        }
        if let file = options.summaryFile {
            write(ReportText.markdown(report), to: file)
        }
        if let file = options.metricsFile {
            write(RunMetrics.text(report), to: file)
        }
        if let gateway = options.pushgateway, let problem = await RunMetrics.push(report, to: gateway, http: environment.http) {
            FileHandle.standardError.write(Data("warning: \(problem)\n".utf8))
        }
        if report.hasErrors { throw ExitCode.failure }
        if options.failOnRollback && report.hasRollback { throw ExitCode(3) }
    }

    static func write(_ text: String, to file: String) {
        do {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            FileHandle.standardError.write(Data("warning: cannot write \(file): \(error.localizedDescription)\n".utf8))
        }
    }
}

/// `gitcanary reconcile`: one run.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "One run: sync Git to the cluster, advance each due canary one step, report, exit.",
        discussion: "Exit status: 0 the run did its work (rollbacks included, or another run held the Lease); 1 a run error; 3 with --fail-on-rollback when a canary failed in this run; 64 usage.")
    @OptionGroup var options: RunOptions
    func run() async throws { try await RunExecution.execute(options, mode: .reconcile) }
}

/// `gitcanary plan`: the same run, read-only.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "What reconcile would do now: object diffs (Secret data masked), each canary's next step, its reason, metric values and ETA. Writes nothing, calls no webhook, takes no Lease.")
    @OptionGroup var options: RunOptions
    func run() async throws { try await RunExecution.execute(options, mode: .plan) }
}
