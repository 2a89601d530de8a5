import Foundation

/// How GitSource authenticates to a remote: HTTPS basic credentials or a token, an SSH key with `known_hosts`,
/// and a custom CA bundle for HTTPS.
///
/// Values come from the environment or from files (a credentials directory shaped like a Kubernetes Secret mounted
/// as a volume: files `username`, `password`, `token`, `ca.crt`, `identity`, `known_hosts`), never from the command
/// line. ``description`` names where each credential came from and never prints a secret.
public struct GitCredentials: Sendable, CustomStringConvertible {
    /// HTTPS user name (used with ``password`` or ``token``).
    public var username: String?
    /// HTTPS password.
    public var password: String?
    /// HTTPS token, sent as the password of basic authentication (user ``username`` or `x-access-token`).
    public var token: String?
    /// Where the HTTPS credentials came from, e.g. `credentials directory /etc/git (username, password)`.
    public var httpSource: String?
    /// Path of an SSH private key file.
    public var sshKeyFile: String?
    /// Passphrase of the SSH key.
    public var sshPassphrase: String?
    /// Path of a `known_hosts` file used to verify SSH host keys.
    public var knownHostsFile: String?
    /// Accept SSH host keys not found in ``knownHostsFile`` (never the default).
    public var insecureSkipHostKeyCheck: Bool
    /// Path of a PEM CA bundle trusted for HTTPS in addition to the system bundle.
    public var caFile: String?

    /// No credentials: anonymous access, system CAs, SSH host keys must be known.
    public init(
        username: String? = nil, password: String? = nil, token: String? = nil, httpSource: String? = nil,
        sshKeyFile: String? = nil, sshPassphrase: String? = nil, knownHostsFile: String? = nil,
        insecureSkipHostKeyCheck: Bool = false, caFile: String? = nil
    ) {
        self.username = username
        self.password = password
        self.token = token
        self.httpSource = httpSource
        self.sshKeyFile = sshKeyFile
        self.sshPassphrase = sshPassphrase
        self.knownHostsFile = knownHostsFile
        self.insecureSkipHostKeyCheck = insecureSkipHostKeyCheck
        self.caFile = caFile
    }

    /// Whether HTTPS basic credentials (a password or a token) are configured.
    public var hasHTTPCredentials: Bool { password != nil || token != nil }

    /// Loads credentials: the credentials directory first, then the environment variables
    /// `GITCANARY_GIT_USERNAME`, `GITCANARY_GIT_PASSWORD`, `GITCANARY_GIT_TOKEN`, `GITCANARY_GIT_SSH_PASSPHRASE`
    /// (which win over files when set). Explicit file options (`sshKeyFile`, `knownHostsFile`, `caFile`) win over
    /// the directory's `identity`, `known_hosts`, `ca.crt`.
    public static func load(
        environment: [String: String], directory: String?, sshKeyFile: String? = nil, knownHostsFile: String? = nil,
        insecureSkipHostKeyCheck: Bool = false, caFile: String? = nil
    ) throws(GitSourceError) -> GitCredentials {
        var c = GitCredentials(insecureSkipHostKeyCheck: insecureSkipHostKeyCheck)
        var fromDir: [String] = []
        if let directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
                throw GitSourceError(.invalidConfiguration, "credentials directory \(directory) does not exist or is not a directory")
            }
            func file(_ name: String) throws(GitSourceError) -> String? {
                let path = (directory as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: path) else { return nil }
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw GitSourceError(.invalidConfiguration, "cannot read \(path)")
                }
                return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            for (name, keyPath) in [("username", \GitCredentials.username), ("password", \.password), ("token", \.token)] {
                if let v = try file(name), !v.isEmpty { c[keyPath: keyPath] = v; fromDir.append(name) }
            }
            let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
            if FileManager.default.fileExists(atPath: path("ca.crt")) { c.caFile = path("ca.crt") }
            if FileManager.default.fileExists(atPath: path("identity")) { c.sshKeyFile = path("identity") }
            if FileManager.default.fileExists(atPath: path("known_hosts")) { c.knownHostsFile = path("known_hosts") }
            if let v = try file("passphrase"), !v.isEmpty { c.sshPassphrase = v }
        }
        var fromEnv: [String] = []
        for (name, keyPath) in [
            ("GITCANARY_GIT_USERNAME", \GitCredentials.username), ("GITCANARY_GIT_PASSWORD", \.password),
            ("GITCANARY_GIT_TOKEN", \.token),
        ] {
            if let v = environment[name], !v.isEmpty { c[keyPath: keyPath] = v; fromEnv.append(name) }
        }
        if let v = environment["GITCANARY_GIT_SSH_PASSPHRASE"], !v.isEmpty { c.sshPassphrase = v }
        var sources: [String] = []
        if let directory, !fromDir.isEmpty { sources.append("credentials directory \(directory) (\(fromDir.joined(separator: ", ")))") }
        if !fromEnv.isEmpty { sources.append("environment variables \(fromEnv.joined(separator: ", "))") }
        c.httpSource = sources.isEmpty ? nil : sources.joined(separator: " and ")
        if let sshKeyFile { c.sshKeyFile = sshKeyFile }
        if let knownHostsFile { c.knownHostsFile = knownHostsFile }
        if let caFile { c.caFile = caFile }
        for path in [c.sshKeyFile, c.knownHostsFile, c.caFile].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw GitSourceError(.invalidConfiguration, "cannot read \(path)")
        }
        return c
    }

    /// Where credentials come from, without any secret.
    public var description: String {
        var parts: [String] = []
        parts.append("https: " + (httpSource ?? "none"))
        parts.append("ssh key: " + (sshKeyFile ?? "none"))
        if let knownHostsFile { parts.append("known_hosts: \(knownHostsFile)") }
        if insecureSkipHostKeyCheck { parts.append("host key check: skipped (insecure)") }
        if let caFile { parts.append("ca: \(caFile)") }
        return parts.joined(separator: "; ")
    }
}
