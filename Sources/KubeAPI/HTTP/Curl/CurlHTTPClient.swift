/// ``HTTPClient`` on libcurl: one `curl_multi` handle driven by one thread, bounded parallelism, connection reuse
/// across all requests made through the same client, HTTP/2 over TLS when the server offers it, per-request
/// timeouts and TLS settings (certificates held in memory), and libcurl's own error text in every failure.
///
/// Make one client per run and share it: reuse is per client. Cancelling the calling task cancels the transfer.
///
/// ```swift
/// let http = try CurlHTTPClient(maxConcurrentRequests: 8)
/// let response = try await http.send(HTTPRequest(url: "https://127.0.0.1:6443/version", tls: tls))
/// ```
public final class CurlHTTPClient: HTTPClient {
    private let driver: CurlMultiDriver
    private let observer: (@Sendable (HTTPExchange) -> Void)?

    /// Creates a client that runs at most `maxConcurrentRequests` transfers at once (more wait in a queue).
    public init(maxConcurrentRequests: Int = 8) throws(TransportError) {
        driver = try CurlMultiDriver(maxConcurrent: maxConcurrentRequests)
        observer = nil
    }

    /// Creates a client whose `observer` hears about every finished request (method, server, status, metrics; never
    /// the path or query).
    public init(maxConcurrentRequests: Int = 8, observer: @escaping @Sendable (HTTPExchange) -> Void) throws(TransportError) {
        driver = try CurlMultiDriver(maxConcurrent: maxConcurrentRequests)
        self.observer = observer
    }

    deinit { driver.stop() }

    /// Requests waiting for a free slot (not yet handed to libcurl).
    public var queuedRequests: Int { driver.queuedCount }

    /// Sends one request; throws only transport failures, never for an HTTP status.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let driver = self.driver
        let id = driver.makeID()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                driver.submit(CurlJob(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            driver.cancel(id)
        }
        if let observer {
            let server = CurlTransfer.serverName(of: request.url)
            switch result {
            case .success(let r):
                observer(HTTPExchange(method: request.method, server: server, status: r.status, failure: nil, metrics: r.metrics))
            case .failure(let e):
                observer(HTTPExchange(method: request.method, server: server, status: nil, failure: e.code, metrics: HTTPMetrics()))
            }
        }
        return try result.get()
    }
}
