#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Binding 127.0.0.1:port failed (typically the port is in use); pick another port or pass 0.
    case bind(port: UInt16, errno: Int32)
    /// Another socket call failed.
    case socket(call: String, errno: Int32)
    /// `start()` was called twice or after `stop()`.
    case alreadyStarted

    /// A one-line explanation with the system error text.
    public var description: String {
        switch self {
        case .bind(let port, let e):
            return "cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(e))) (use another port, or 0 for any free port)"
        case .socket(let call, let e):
            return "\(call) failed: \(String(cString: strerror(e)))"
        case .alreadyStarted:
            return "the HTTP server was already started (create a new HTTPServer to serve again)"
        }
    }
}
