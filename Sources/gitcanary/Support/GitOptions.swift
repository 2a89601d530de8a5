import ArgumentParser
import Foundation
import GitSource

/// The Git options every command that reads the repository shares (`source`, `reconcile`, `plan`): each also read
/// from a `GITCANARY_<NAME>` environment variable. Credentials themselves never come from the command line.
struct GitOptions: ParsableArguments {
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

    @Option(name: .customLong("cache-dir"), help: "Cache directory of the repository and of the manifests decoded from it (default: $XDG_CACHE_HOME/gitcanary/git, else <tmp>/gitcanary-cache/git). Env: GITCANARY_CACHE_DIR.")
    var cacheDirFlag: String?
    /// `--cache-dir`, else its environment variable.
    var cacheDir: String? { cacheDirFlag ?? EnvironmentDefault.string("CACHE_DIR") }

    @Option(help: "Time limit of the Git fetch in seconds. Env: GITCANARY_GIT_TIMEOUT.")
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

    /// The source these options name, with its credentials loaded from the files and the environment.
    /// - Throws: `ValidationError` without a repository; `GitSourceError` for unreadable credentials or a bad URL.
    func source() throws -> GitSource {
        guard let repo else { throw ValidationError("--repo (or GITCANARY_REPO) is required") }
        let credentials = try GitCredentials.load(
            environment: ProcessInfo.processInfo.environment, directory: gitCredentialsDir, sshKeyFile: gitSshKeyFile,
            knownHostsFile: gitKnownHostsFile, insecureSkipHostKeyCheck: gitInsecureSkipHostKeyCheck, caFile: gitCaFile)
        return try GitSource(
            repository: repo, ref: ref, path: path, cacheDirectory: cacheDir, credentials: credentials,
            timeout: .milliseconds(Int64(gitTimeout * 1000)))
    }
}
