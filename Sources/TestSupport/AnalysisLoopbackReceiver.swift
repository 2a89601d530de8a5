import Foundation
import HTTPServer
import Synchronization

/// A loopback HTTP receiver for analysis tests (webhooks, alert targets, fake metric providers): it records
/// every request and answers with a scripted handler.
public final class AnalysisLoopbackReceiver: Sendable {
    /// One received request.
    public struct Received: Sendable {
        /// Method.
        public var method: String
        /// Decoded path.
        public var path: String
        /// The raw request target (path and query).
        public var target: String
        /// Query items.
        public var query: [String: String]
        /// Headers (names as sent).
        public var headers: [(name: String, value: String)]
        /// Body bytes.
        public var body: [UInt8]
        /// Body as text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        /// The first header of a name (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    private final class Log: Sendable {
        let entries = Mutex<[Received]>([])
    }
    private let server: HTTPServer
    private let log = Log()

    /// Starts a receiver on 127.0.0.1 (a free port); `respond` gets the request and its 0-based index.
    public init(respond: @escaping @Sendable (Received, Int) -> HTTPServerResponse) throws {
        let log = self.log
        server = try HTTPServer(port: 0) { request in
            var query: [String: String] = [:]
            for item in request.queryItems { query[item.name] = item.value }
            let r = Received(
                method: request.method, path: request.path, target: request.target, query: query,
                headers: request.headers, body: request.body)
            let index = log.entries.withLock { l -> Int in
                l.append(r)
                return l.count - 1
            }
            return respond(r, index)
        }
    }

    /// A receiver answering every request with the responses in order (the last one repeats).
    public convenience init(responses: [HTTPServerResponse]) throws {
        try self.init { _, index in
            responses.isEmpty ? .text("ok") : responses[min(index, responses.count - 1)]
        }
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { server.baseURL }
    /// The requests received so far.
    public var requests: [Received] { log.entries.withLock { $0 } }
    /// Stops the server (hung connections included).
    public func stop() { server.stop() }

    deinit { server.stop() }
}
