import Foundation
import KubeAPI
import Resources

/// New Relic Insights: `GET <address>/v1/accounts/<newrelic_account_id>/query?nrql=<query> SINCE <n> seconds ago`
/// with `X-Query-Key` from `newrelic_query_key`; the answer must hold exactly one result.
public struct NewRelicProvider: MetricProvider {
    /// The Insights API host when the template has no address.
    public static let defaultAddress = "https://insights-api.newrelic.com"
    /// The MetricTemplate provider type.
    public let type = "newrelic"
    let endpoint: String
    let queryKey: String
    let sinceSeconds: Int64
    let timeout: Duration
    let transport: ProviderTransport

    /// A provider; `interval` is the metric interval.
    public init(
        settings: MetricTemplateProviderSettings, interval: String, client: any HTTPClient,
        timeout: Duration = .seconds(5)
    ) throws(MetricQueryError) {
        let address = settings.address.isEmpty ? Self.defaultAddress : settings.address
        guard let account = settings.credentials?.text("newrelic_account_id") else {
            throw .configuration("newrelic credentials does not contain the key 'newrelic_account_id'")
        }
        guard let key = settings.credentials?.text("newrelic_query_key") else {
            throw .configuration("newrelic credentials does not contain the key 'newrelic_query_key'")
        }
        guard let seconds = GoDuration.seconds(interval) else {
            throw .configuration("error parsing metric interval: invalid duration \"\(interval)\"")
        }
        guard URLText.isValidHTTP(address), let endpoint = URLText.join(address, path: "v1/accounts/\(account)/query")
        else { throw .configuration("newrelic address \(URLText.display(address)) is not a valid URL") }
        self.endpoint = endpoint
        queryKey = key
        sinceSeconds = Int64(seconds)
        self.timeout = timeout
        transport = ProviderTransport(client: client, redactor: settings.redactor)
    }

    func request(nrql: String) -> HTTPRequest {
        let url = endpoint + "?nrql=" + URLText.formEncode(nrql)
        return HTTPRequest(method: "GET", url: url, headers: [HTTPHeader("X-Query-Key", queryKey)], timeout: timeout)
    }

    /// Runs a rendered query (see ``MetricProvider/runQuery(_:at:deadline:)``).
    public func runQuery(
        _ query: String, at now: Date, deadline: Deadline
    ) async throws(MetricQueryError) -> MetricQueryResult {
        let nrql = "\(query) SINCE \(sinceSeconds) seconds ago"
        let response = try await transport.send(request(nrql: nrql), deadline: deadline)
        let body = transport.body(response)
        guard response.status == 200 else { throw .badResponse("error response: \(body)") }
        guard let json = try? JSONParser.parse([UInt8](response.body)) else {  // reported just below
            throw .badResponse("error unmarshaling result: not JSON, '\(body)'")
        }
        guard let results = json["results"]?.arrayValue, results.count == 1,
            let value = results[0]["result"]?.doubleValue
        else { throw .noValues(detail: body) }
        return MetricQueryResult(value: value, sentQuery: nrql, note: nil)
    }

    /// Checks the provider answers (Flagger's `IsOnline`).
    public func checkOnline(deadline: Deadline) async throws(MetricQueryError) {
        let response = try await transport.send(request(nrql: "SELECT * FROM Metric"), deadline: deadline)
        guard response.status == 200 else { throw .badResponse("error response: \(transport.body(response))") }
    }
}
