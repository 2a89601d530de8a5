import ArgumentParser
import Foundation
import GitSource
import Logging
import Resources

/// `gitcanary source`: fetch the repository and list what it holds at a revision.
struct SourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Fetch the Git repository and list the objects it declares at a revision (kind, namespace, name, file:line).",
        discussion: """
            Credentials never come from the command line: set GITCANARY_GIT_USERNAME with GITCANARY_GIT_PASSWORD \
            or GITCANARY_GIT_TOKEN, or mount a directory with files username, password, token, ca.crt, identity, \
            known_hosts, passphrase and pass --git-credentials-dir. Exit status: 0 when every file decoded, 1 when \
            the fetch failed or some file could not be decoded (the others are still listed).
            """)

    @OptionGroup var git: GitOptions

    @Option(help: "Output format: text or json. Env: GITCANARY_OUTPUT.")
    var output: OutputFormat = OutputFormat(rawValue: EnvironmentDefault.string("OUTPUT", default: "text")) ?? .text

    @Option(help: "Log level (trace, debug, info, warning, error). Logs go to stderr. Env: GITCANARY_LOG_LEVEL.")
    var logLevel: String = EnvironmentDefault.string("LOG_LEVEL", default: "warning")

    @Flag(help: "Only fetch and print the revision; do not read the manifests.")
    var revisionOnly = false

    enum OutputFormat: String, ExpressibleByArgument, Sendable { case text, json }

    func run() async throws {
        var logger = Logger(label: "gitcanary.source", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        do {
            let source = try git.source()
            let started = ContinuousClock.now
            let fetched = try await source.fetch(logger: logger)
            let timing = SourceReport.Timing(fetch: ContinuousClock.now - started)
            guard !revisionOnly else {
                print(output == .json ? SourceReport.json(fetched, nil, timing: timing) : SourceReport.text(fetched, nil, timing: timing))
                return
            }
            let readStarted = ContinuousClock.now
            let set = try await source.manifests(at: fetched.revision, logger: logger)
            let read = SourceReport.Timing(fetch: timing.fetch, read: ContinuousClock.now - readStarted)
            print(output == .json ? SourceReport.json(fetched, set, timing: read) : SourceReport.text(fetched, set, timing: read))
            if !set.errors.isEmpty { throw ExitCode.failure }
        } catch let error as GitSourceError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
