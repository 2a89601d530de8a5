import Foundation
import Resources

/// A kubeconfig: the `clusters`, `users` and `contexts` of one file or of several merged as kubectl merges them
/// (the first file to define a name wins; the first non-empty `current-context` wins). File paths inside are already
/// resolved against the directory of the file that named them.
public struct KubeConfig: Sendable, Hashable {
    /// A `clusters[].cluster` entry.
    public struct Cluster: Sendable, Hashable {
        /// `server`.
        public var server: String = ""
        /// `certificate-authority` (absolute path).
        public var certificateAuthority: String?
        /// `certificate-authority-data` (decoded PEM).
        public var certificateAuthorityData: Data?
        /// `insecure-skip-tls-verify`.
        public var insecureSkipTLSVerify = false
        /// `tls-server-name`.
        public var tlsServerName: String?
        /// `proxy-url`.
        public var proxyURL: String?
        /// The file that defined it.
        public var file = ""
    }

    /// A `users[].user` entry. Secrets are ``Redacted`` so they never print.
    public struct User: Sendable, Hashable {
        /// `token`.
        public var token: Redacted?
        /// `tokenFile` (absolute path).
        public var tokenFile: String?
        /// `client-certificate` (absolute path).
        public var clientCertificate: String?
        /// `client-certificate-data` (decoded PEM).
        public var clientCertificateData: Data?
        /// `client-key` (absolute path).
        public var clientKey: String?
        /// `client-key-data` (decoded PEM).
        public var clientKeyData: Redacted?
        /// `username`.
        public var username: String?
        /// `password`.
        public var password: Redacted?
        /// `exec`.
        public var exec: ExecConfig?
        /// The file that defined it.
        public var file = ""
    }

    /// A `contexts[].context` entry.
    public struct Context: Sendable, Hashable {
        /// `cluster`.
        public var cluster: String = ""
        /// `user`.
        public var user: String = ""
        /// `namespace`.
        public var namespace: String?
    }

    /// Clusters by name.
    public var clusters: [String: Cluster] = [:]
    /// Users by name.
    public var users: [String: User] = [:]
    /// Contexts by name.
    public var contexts: [String: Context] = [:]
    /// `current-context`.
    public var currentContext: String?
    /// The files read, in order.
    public var files: [String] = []

    /// An empty configuration.
    public init() {}

    /// Merges `other` under `self`: names already defined here win, as with kubectl's `KUBECONFIG` list.
    public mutating func merge(_ other: KubeConfig) {
        clusters.merge(other.clusters) { mine, _ in mine }
        users.merge(other.users) { mine, _ in mine }
        contexts.merge(other.contexts) { mine, _ in mine }
        if currentContext?.isEmpty ?? true { currentContext = other.currentContext }
        files += other.files
    }
}
