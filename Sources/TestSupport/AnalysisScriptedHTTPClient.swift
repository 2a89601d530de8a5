import Foundation
import KubeAPI
import Synchronization

/// An ``HTTPClient`` test double: records requests and answers from a script, no network.
public final class AnalysisScriptedHTTPClient: HTTPClient {
    /// What the double answers.
    public typealias Script = @Sendable (HTTPRequest, Int) throws(TransportError) -> HTTPResponse
    private let script: Script
    private let log = Mutex<[HTTPRequest]>([])

    /// A client answering with `script` (request, 0-based index).
    public init(_ script: @escaping Script) {
        self.script = script
    }

    /// A client answering every request with one JSON body and status.
    public convenience init(status: Int = 200, json: String) {
        self.init { _, _ in HTTPResponse(status: status, body: Data(json.utf8)) }
    }

    /// The requests sent so far.
    public var requests: [HTTPRequest] { log.withLock { $0 } }

    /// Records the request and answers from the script.
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let index = log.withLock { l -> Int in
            l.append(request)
            return l.count - 1
        }
        return try script(request, index)
    }
}
