import Foundation

/// How to authenticate to the API server. Secrets are ``Redacted``.
public enum KubeCredentials: Sendable, Hashable {
    /// No credentials (or a client certificate only, in ``KubeClientConfiguration/tls``).
    case none
    /// A bearer token.
    case token(Redacted)
    /// A bearer token re-read from a file (service-account tokens rotate).
    case tokenFile(String)
    /// HTTP basic authentication.
    case basic(username: String, password: Redacted)
    /// An exec credential plugin, run when needed and cached until its credential expires.
    case exec(ExecConfig)
}

/// Everything the client needs to talk to one API server, resolved from flags, kubeconfig or in-cluster files.
public struct KubeClientConfiguration: Sendable, Hashable {
    /// The API server URL, e.g. `https://10.0.0.1:443`.
    public var server: String
    /// TLS settings (CA, client certificate and key in memory, server name, skip-verify).
    public var tls: TLSOptions
    /// A proxy URL.
    public var proxy: String?
    /// Credentials.
    public var credentials: KubeCredentials
    /// The default namespace (flag, then context, then in-cluster namespace file, then `default`).
    public var namespace: String
    /// Where this came from, for messages: `kubeconfig /path (context "x")` or `in-cluster configuration`.
    public var source: String
    /// Who we are, for messages (never a secret): `user "ci" of context "x"`, `the pod's service account`.
    public var identity: String
    /// Time allowed per request.
    public var timeout: Duration

    /// Creates a configuration.
    public init(
        server: String, tls: TLSOptions = TLSOptions(), proxy: String? = nil, credentials: KubeCredentials = .none,
        namespace: String = "default", source: String = "explicit configuration", identity: String = "",
        timeout: Duration = .seconds(30)
    ) {
        self.server = server
        self.tls = tls
        self.proxy = proxy
        self.credentials = credentials
        self.namespace = namespace
        self.source = source
        self.identity = identity
        self.timeout = timeout
    }
}
