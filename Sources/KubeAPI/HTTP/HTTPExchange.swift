/// What a transport reports about one finished request to an observer (accounting, benchmarks).
///
/// It names the server but never the path or query: webhook URLs (Slack, Teams) carry their secret in the path.
public struct HTTPExchange: Sendable, Hashable {
    /// The method.
    public var method: String
    /// `scheme://host:port`.
    public var server: String
    /// The HTTP status, or `nil` when the request failed in transport.
    public var status: Int?
    /// The transport failure kind, when there was no response.
    public var failure: TransportError.Code?
    /// Time, bytes and connections.
    public var metrics: HTTPMetrics

    /// Creates a record.
    public init(method: String, server: String, status: Int?, failure: TransportError.Code?, metrics: HTTPMetrics) {
        self.method = method
        self.server = server
        self.status = status
        self.failure = failure
        self.metrics = metrics
    }
}
