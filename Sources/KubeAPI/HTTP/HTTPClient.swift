import Foundation

/// The HTTP seam shared by the Kubernetes client and the analysis providers (Prometheus, webhooks, alerts).
///
/// The real implementation runs on libcurl; tests may substitute a scripted one.
public protocol HTTPClient: Sendable {
    /// Sends one request and returns the response, or throws a transport error (never for an HTTP status).
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}

/// One HTTP request, fully described as a value.
public struct HTTPRequest: Sendable, Hashable {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, ...
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields in order. Values of `Authorization` are never logged.
    public var headers: [HTTPHeader]
    /// The body, if any.
    public var body: Data?
    /// Total time allowed for this request.
    public var timeout: Duration
    /// TLS settings for this call.
    public var tls: TLSOptions
    /// A proxy URL, if one must be used (`http://`, `https://`, `socks5://`).
    public var proxy: String?

    /// Creates a request.
    public init(
        method: String = "GET", url: String, headers: [HTTPHeader] = [], body: Data? = nil,
        timeout: Duration = .seconds(30), tls: TLSOptions = TLSOptions(), proxy: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.tls = tls
        self.proxy = proxy
    }
}

/// A header field.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name.
    public var name: String
    /// The field value.
    public var value: String
    /// Creates a header.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// TLS settings of one request. Certificates and keys are PEM bytes held in memory, never written to temp files.
public struct TLSOptions: Sendable, Hashable {
    /// Trusted CA certificates (PEM); `nil` uses the system bundle.
    public var certificateAuthority: Data?
    /// Client certificate (PEM).
    public var clientCertificate: Data?
    /// Client private key (PEM). Never logged.
    public var clientKey: Data?
    /// Skip server certificate verification.
    public var insecureSkipVerify: Bool
    /// The name to verify the server certificate against (SNI), when it differs from the URL's host.
    public var serverName: String?

    /// Creates TLS settings.
    public init(
        certificateAuthority: Data? = nil, clientCertificate: Data? = nil, clientKey: Data? = nil,
        insecureSkipVerify: Bool = false, serverName: String? = nil
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// Header fields; names lower-cased.
    public var headers: [String: String]
    /// The body.
    public var body: Data
    /// How the transfer went (time, bytes, connections); zero for responses not made by a transport.
    public var metrics: HTTPMetrics = HTTPMetrics()

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A request that did not produce an HTTP response: DNS, connect, TLS, timeout, reset.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Broad kinds of transport failure.
    public enum Code: Sendable, Hashable {
        case couldNotResolve, couldNotConnect, timedOut, tlsCertificate, tlsClientCertificate, tls, connectionReset,
            invalidRequest, other
    }
    /// The kind of failure.
    public var code: Code
    /// The server (scheme://host:port) the request was for; never contains credentials.
    public var server: String
    /// The cause as libcurl (or the test double) describes it.
    public var message: String

    /// Creates a transport error.
    public init(code: Code, server: String, message: String) {
        self.code = code
        self.server = server
        self.message = message
    }

    /// Whether a retry of an idempotent request may help.
    public var isRetryable: Bool {
        switch code {
        case .couldNotConnect, .timedOut, .connectionReset, .other: return true
        default: return false
        }
    }

    public var description: String { "\(server): \(message)" }
}
