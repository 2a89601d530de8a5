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

    @Option(name: .customLong("repo"), help: "Repository URL (https, http, ssh, git, file) or local path. Env: GITCANARY_REPO.")
    var repoFlag: String?
    /// `--repo`, else its environment variable.
    var repo: String? { repoFlag ?? EnvironmentDefault.string("REPO") }

    @Option(name: .customLong("ref"), help: "Branch, tag or commit (default: the remote's default branch). Env: GITCANARY_REF.")
    var refFlag: String?
    /// `--ref`, else its environment variable.
    var ref: String? { refFlag ?? EnvironmentDefault.string("REF") }

    @Option(help: "Directory or file inside the repository (default: the root). Env: GITCANARY_PATH.")
    var path: String = EnvironmentDefault.string("PATH", default: "")

    @Option(name: .customLong("cache-dir"), help: "Cache directory (default: $XDG_CACHE_HOME/gitcanary/git, else <tmp>/gitcanary-cache/git). Env: GITCANARY_CACHE_DIR.")
    var cacheDirFlag: String?
    /// `--cache-dir`, else its environment variable.
    var cacheDir: String? { cacheDirFlag ?? EnvironmentDefault.string("CACHE_DIR") }

    @Option(help: "Time limit of the fetch in seconds. Env: GITCANARY_GIT_TIMEOUT.")
    var gitTimeout: Double = Double(EnvironmentDefault.string("GIT_TIMEOUT", default: "60")) ?? 60

    @Option(name: .customLong("git-credentials-dir"), help: "Directory with username, password, token, ca.crt, identity, known_hosts files (a mounted Secret). Env: GITCANARY_GIT_CREDENTIALS_DIR.")
    var gitCredentialsDirFlag: String?
    /// `--git-credentials-dir`, else its environment variable.
    var gitCredentialsDir: String? { gitCredentialsDirFlag ?? EnvironmentDefault.string("GIT_CREDENTIALS_DIR") }

    @Option(name: .customLong("git-ssh-key-file"), help: "SSH private key file. Env: GITCANARY_GIT_SSH_KEY_FILE (passphrase: GITCANARY_GIT_SSH_PASSPHRASE).")
    var gitSshKeyFileFlag: String?
    /// `--git-ssh-key-file`, else its environment variable.
    var gitSshKeyFile: String? { gitSshKeyFileFlag ?? EnvironmentDefault.string("GIT_SSH_KEY_FILE") }

    @Option(name: .customLong("git-known-hosts-file"), help: "known_hosts file for SSH host keys. Env: GITCANARY_GIT_KNOWN_HOSTS_FILE.")
    var gitKnownHostsFileFlag: String?
    /// `--git-known-hosts-file`, else its environment variable.
    var gitKnownHostsFile: String? { gitKnownHostsFileFlag ?? EnvironmentDefault.string("GIT_KNOWN_HOSTS_FILE") }

    @Flag(help: "Accept SSH host keys that are not in known_hosts (insecure). Env: GITCANARY_GIT_INSECURE_SKIP_HOST_KEY_CHECK.")
    var gitInsecureSkipHostKeyCheck: Bool = EnvironmentDefault.bool("GIT_INSECURE_SKIP_HOST_KEY_CHECK", default: false)

    @Option(name: .customLong("git-ca-file"), help: "PEM CA bundle trusted for HTTPS in addition to the system CAs. Env: GITCANARY_GIT_CA_FILE.")
    var gitCaFileFlag: String?
    /// `--git-ca-file`, else its environment variable.
    var gitCaFile: String? { gitCaFileFlag ?? EnvironmentDefault.string("GIT_CA_FILE") }

    @Option(help: "Output format: text or json. Env: GITCANARY_OUTPUT.")
    var output: OutputFormat = OutputFormat(rawValue: EnvironmentDefault.string("OUTPUT", default: "text")) ?? .text

    @Option(help: "Log level (trace, debug, info, warning, error). Logs go to stderr. Env: GITCANARY_LOG_LEVEL.")
    var logLevel: String = EnvironmentDefault.string("LOG_LEVEL", default: "warning")

    @Flag(help: "Only fetch and print the revision; do not read the manifests.")
    var revisionOnly = false

    enum OutputFormat: String, ExpressibleByArgument, Sendable { case text, json }

    func run() async throws {
        guard let repo else { throw ValidationError("--repo (or GITCANARY_REPO) is required") }
        var logger = Logger(label: "gitcanary.source", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        do {
            let credentials = try GitCredentials.load(
                environment: ProcessInfo.processInfo.environment, directory: gitCredentialsDir, sshKeyFile: gitSshKeyFile,
                knownHostsFile: gitKnownHostsFile, insecureSkipHostKeyCheck: gitInsecureSkipHostKeyCheck, caFile: gitCaFile)
            let source = try GitSource(
                repository: repo, ref: ref, path: path, cacheDirectory: cacheDir, credentials: credentials,
                timeout: .milliseconds(Int64(gitTimeout * 1000)))
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
