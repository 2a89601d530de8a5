import Resources

/// Every failure of a Kubernetes API call: an HTTP error with the server's decoded ``KubeStatus``, a transport
/// failure, a configuration or credential problem, a discovery miss, or an undecodable response.
///
/// `description` is written for a person: what was attempted, against which server, as whom, and what to do.
public struct KubeAPIError: Error, Sendable, CustomStringConvertible {
    /// The broad kind of failure (extensible without breaking callers).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        /// The server answered with an HTTP error status.
        public static let api = Code("api")
        /// No HTTP response (connect, TLS, timeout, reset).
        public static let transport = Code("transport")
        /// The client configuration or credentials could not be used.
        public static let configuration = Code("configuration")
        /// Discovery could not map a kind.
        public static let discovery = Code("discovery")
        /// The response body was not the JSON expected.
        public static let decoding = Code("decoding")
        /// `api`, `transport`, ...
        public var description: String { raw }
    }

    /// The kind of failure.
    public var code: Code
    /// The HTTP status (0 when there was no response).
    public var httpStatus: Int
    /// The server's `Status`, when the body was one.
    public var status: KubeStatus?
    /// The call, e.g. `list canaries.flagger.app in namespace prod` (empty for configuration errors).
    public var request: String
    /// The server, `https://host:port`.
    public var server: String
    /// Who the client authenticated as (`user "ci" of context "prod"`, `service account token ...`); never a secret.
    public var identity: String
    /// The transport failure, for `.transport`.
    public var transport: TransportError?
    /// How long the server asked us to wait (429/503 `Retry-After`).
    public var retryAfter: Duration?
    /// Extra detail (configuration and decoding errors).
    public var detail: String

    /// Creates an error.
    public init(
        code: Code, httpStatus: Int = 0, status: KubeStatus? = nil, request: String = "", server: String = "",
        identity: String = "", transport: TransportError? = nil, retryAfter: Duration? = nil, detail: String = ""
    ) {
        self.code = code
        self.httpStatus = httpStatus
        self.status = status
        self.request = request
        self.server = server
        self.identity = identity
        self.transport = transport
        self.retryAfter = retryAfter
        self.detail = detail
    }

    /// A discovery failure.
    public static func discovery(_ detail: String) -> KubeAPIError { KubeAPIError(code: .discovery, detail: detail) }

    /// The `Status` reason, or a reason derived from the HTTP status when the body had none.
    public var reason: String {
        if let r = status?.reason, !r.isEmpty { return r }
        switch httpStatus {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return ""
        }
    }

    /// 404 NotFound.
    public var isNotFound: Bool { code == .api && reason == "NotFound" }
    /// 409 AlreadyExists.
    public var isAlreadyExists: Bool { code == .api && reason == "AlreadyExists" }
    /// 409 Conflict (a stale `resourceVersion`, or an apply conflict without `force`).
    public var isConflict: Bool { code == .api && reason == "Conflict" }
    /// 422 Invalid.
    public var isInvalid: Bool { code == .api && reason == "Invalid" }
    /// 403 Forbidden.
    public var isForbidden: Bool { code == .api && reason == "Forbidden" }
    /// 401 Unauthorized.
    public var isUnauthorized: Bool { code == .api && reason == "Unauthorized" }
    /// 429 TooManyRequests.
    public var isTooManyRequests: Bool { code == .api && httpStatus == 429 }
    /// 410 Gone/Expired (a stale continue token).
    public var isExpired: Bool { code == .api && (reason == "Expired" || httpStatus == 410) }
    /// 5xx.
    public var isServerError: Bool { code == .api && httpStatus >= 500 }

    public var description: String {
        switch code {
        case .transport:
            return "\(request.isEmpty ? "request" : request) failed: \(transport?.description ?? detail)"
        case .api:
            return apiDescription
        default:
            return detail
        }
    }

    private var apiDescription: String {
        let message = status?.message.isEmpty == false ? status?.message ?? "" : "HTTP \(httpStatus)"
        var s = "\(request) on \(server): \(reason.isEmpty ? "HTTP \(httpStatus)" : reason): \(message)"
        if let causes = status?.causes, !causes.isEmpty {
            s += causes.map { "\n  - \($0.field.isEmpty ? "" : "\($0.field): ")\($0.message)" }.joined()
        }
        if isForbidden {
            s += "\nThe API server refused \(request) to \(identity.isEmpty ? "the client's identity" : identity). "
                + "Grant it with RBAC (see deploy/cronjob for the Role/ClusterRole GitCanary needs), then run again."
        } else if isUnauthorized {
            s += "\nThe server did not accept the credentials of \(identity.isEmpty ? "the client" : identity): "
                + "the token may have expired or the client certificate is not trusted."
        } else if let retryAfter, isTooManyRequests {
            s += " (retry after \(retryAfter))"
        }
        return s
    }
}
