/// Measurements of one transfer, as the transport saw them.
///
/// Used for request accounting (bytes per run) and to prove connection reuse in tests.
public struct HTTPMetrics: Sendable, Hashable {
    /// Wall time from start to the end of the transfer.
    public var totalTime: Duration
    /// Bytes sent: request line, headers and body.
    public var bytesSent: Int
    /// Bytes received: status line, headers and body.
    public var bytesReceived: Int
    /// New connections the transfer had to open (0 when it reused one).
    public var newConnections: Int
    /// The HTTP version used: "1.0", "1.1", "2", "3", or "" when unknown.
    public var httpVersion: String

    /// Creates metrics.
    public init(
        totalTime: Duration = .zero, bytesSent: Int = 0, bytesReceived: Int = 0, newConnections: Int = 0,
        httpVersion: String = ""
    ) {
        self.totalTime = totalTime
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.newConnections = newConnections
        self.httpVersion = httpVersion
    }
}
