/// What the server does with a request: answer it, or misbehave at the socket level on purpose.
public struct HTTPServerResponse: Sendable {
    /// How the connection is treated.
    public enum Disposition: Sendable, Hashable {
        /// Send the response normally.
        case respond
        /// Send nothing and hold the connection open until the client closes it or the server stops.
        case hang
        /// Close the connection at once with `SO_LINGER` 0, so the client sees a TCP reset.
        case reset
    }

    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields to send; `Content-Length`, `Date`-like framing headers are added by the server.
    public var headers: [(name: String, value: String)]
    /// The body; omitted on the wire for `HEAD` requests and 1xx/204/304 statuses.
    public var body: [UInt8]
    /// Normal answer, hang or reset.
    public var disposition: Disposition
    /// Close the connection after this response even if the client asked for keep-alive.
    public var closeConnection: Bool
    /// When set, the body is streamed with chunked transfer encoding instead of `body`: the closure runs on the
    /// connection's thread after the head is sent, writing chunks until it returns (watch streams, long polls).
    public var stream: HTTPResponseStream?

    /// A normal response.
    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        closeConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.disposition = .respond
        self.closeConnection = closeConnection
        self.stream = nil
    }

    /// A UTF-8 text response with the given content type.
    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8")
        -> HTTPServerResponse
    {
        HTTPServerResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// A JSON response from already-encoded bytes.
    public static func json(_ bytes: [UInt8], status: Int = 200) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [("Content-Type", "application/json")], body: bytes)
    }

    /// A streamed (chunked) response; the connection closes when `produce` returns.
    public static func streaming(
        status: Int = 200, headers: [(name: String, value: String)] = [],
        _ produce: @escaping @Sendable (HTTPResponseWriter) -> Void
    ) -> HTTPServerResponse {
        var r = HTTPServerResponse(status: status, headers: headers, closeConnection: true)
        r.stream = HTTPResponseStream(produce: produce)
        return r
    }

    /// Holds the connection without answering (fault injection).
    public static var hang: HTTPServerResponse {
        var r = HTTPServerResponse()
        r.disposition = .hang
        return r
    }

    /// Resets the connection (fault injection).
    public static var reset: HTTPServerResponse {
        var r = HTTPServerResponse()
        r.disposition = .reset
        return r
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The standard reason phrase for a status code.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}

/// The producer of a streamed response body.
public struct HTTPResponseStream: Sendable {
    /// Writes the body's chunks; the response ends when it returns.
    public let produce: @Sendable (HTTPResponseWriter) -> Void

    /// Wraps a producer.
    public init(produce: @escaping @Sendable (HTTPResponseWriter) -> Void) { self.produce = produce }
}

/// Writes the chunks of a streamed response.
public struct HTTPResponseWriter: Sendable {
    let fd: Int32
    let stopped: @Sendable () -> Bool

    /// Sends one chunk; false when the client went away or the server is stopping (stop producing then).
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return isOpen }
        guard !stopped() else { return false }
        let head = Array((String(bytes.count, radix: 16) + "\r\n").utf8)
        return Socket.sendAll(fd, head + bytes + [13, 10])
    }

    /// Whether the client is still connected and the server still running.
    public var isOpen: Bool { !stopped() && !Socket.peerClosed(fd) }
}

/// Handles one request on the connection's own thread; it may block (it only delays that connection).
public typealias HTTPServerHandler = @Sendable (HTTPServerRequest) -> HTTPServerResponse
