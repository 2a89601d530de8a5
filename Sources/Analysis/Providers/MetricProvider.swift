import Foundation
import KubeAPI

/// One value read from a metrics provider.
public struct MetricQueryResult: Sendable, Hashable {
    /// The value.
    public var value: Double
    /// The query exactly as sent (after white-space folding and provider-specific suffixes).
    public var sentQuery: String
    /// Something the reader should know about how the value was chosen (e.g. several series).
    public var note: String?
}

/// A metrics backend reached over HTTP (Prometheus, Datadog, New Relic, Graphite, InfluxDB).
public protocol MetricProvider: Sendable {
    /// The MetricTemplate provider type, e.g. `prometheus`.
    var type: String { get }
    /// Runs a rendered query; `now` is the analysis time (used for query windows).
    func runQuery(_ query: String, at now: Date, deadline: Deadline) async throws(MetricQueryError) -> MetricQueryResult
    /// Checks that the provider answers (Flagger's `IsOnline`).
    func checkOnline(deadline: Deadline) async throws(MetricQueryError)
}

/// Sends provider requests within the run's budget and turns transport failures into ``MetricQueryError``.
struct ProviderTransport: Sendable {
    let client: any HTTPClient
    let redactor: SecretRedactor

    func send(_ request: HTTPRequest, deadline: Deadline) async throws(MetricQueryError) -> HTTPResponse {
        if deadline.isExpired { throw .budgetExhausted }
        var request = request
        let (timeout, capped) = deadline.cap(request.timeout)
        request.timeout = timeout
        do {
            return try await client.send(request)
        } catch {
            var e = error
            e.message = redactor.redact(e.message)
            throw .transport(e, cappedByBudget: capped)
        }
    }

    /// The body as redacted, shortened text.
    func body(_ response: HTTPResponse) -> String {
        redactor.redact(HTTPStatusText.bodySnippet(response.body))
    }
}

extension MetricTemplateProviderSettings {
    /// Template `headers` as request headers, each value its own field, in key order.
    var headerFields: [HTTPHeader] {
        var out: [HTTPHeader] = []
        for key in (headers ?? [:]).keys.sorted() {
            for v in headers?[key] ?? [] { out.append(HTTPHeader(key, v)) }
        }
        return out
    }
}

/// The parts of `MetricTemplate.spec.provider` the HTTP providers use, resolved with its credentials.
public struct MetricTemplateProviderSettings: Sendable, Hashable {
    /// Provider type.
    public var type: String
    /// Base URL (the path is kept).
    public var address: String
    /// Extra headers.
    public var headers: [String: [String]]?
    /// Skip TLS verification.
    public var insecureSkipVerify: Bool
    /// Secret data (`nil` when the template has no `secretRef`).
    public var credentials: [String: Data]?

    /// Creates settings.
    public init(
        type: String, address: String, headers: [String: [String]]? = nil, insecureSkipVerify: Bool = false,
        credentials: [String: Data]? = nil
    ) {
        self.type = type
        self.address = address
        self.headers = headers
        self.insecureSkipVerify = insecureSkipVerify
        self.credentials = credentials
    }

    /// A redactor for every credential value.
    var redactor: SecretRedactor {
        var r = SecretRedactor()
        for (_, v) in credentials ?? [:] { r.add(String(decoding: v, as: UTF8.self)) }
        if let u = credentials?.text("username"), let p = credentials?.text("password") {
            r.addBasic(user: u, password: p)
        }
        return r
    }
}
