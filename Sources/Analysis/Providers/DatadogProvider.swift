import Foundation
import KubeAPI
import Resources

/// Datadog's metrics query API: `GET <address>/api/v1/query?query=…&from=…&to=…` with `DD-API-KEY` and
/// `DD-APPLICATION-KEY` from the secret keys `datadog_api_key` / `datadog_application_key`. The window is
/// ten metric intervals back from the analysis time, as in Flagger; the first point of the first series wins.
public struct DatadogProvider: MetricProvider {
    /// Datadog's API host when the template has no address.
    public static let defaultAddress = "https://api.datadoghq.com"
    /// The MetricTemplate provider type.
    public let type = "datadog"
    let address: String
    let apiKey: String
    let applicationKey: String
    let fromDelta: Int64
    let timeout: Duration
    let transport: ProviderTransport

    /// A provider; `interval` is the metric interval (a Go duration).
    public init(
        settings: MetricTemplateProviderSettings, interval: String, client: any HTTPClient,
        timeout: Duration = .seconds(5)
    ) throws(MetricQueryError) {
        address = settings.address.isEmpty ? Self.defaultAddress : settings.address
        guard URLText.isValidHTTP(address) else {
            throw .configuration("datadog address \(URLText.display(address)) is not a valid URL")
        }
        guard let key = settings.credentials?.text("datadog_api_key") else {
            throw .configuration("datadog credentials does not contain datadog_api_key")
        }
        guard let app = settings.credentials?.text("datadog_application_key") else {
            throw .configuration("datadog credentials does not contain datadog_application_key")
        }
        guard let seconds = GoDuration.seconds(interval) else {
            throw .configuration("error parsing metric interval: invalid duration \"\(interval)\"")
        }
        apiKey = key
        applicationKey = app
        fromDelta = Int64(10 * seconds)
        self.timeout = timeout
        transport = ProviderTransport(client: client, redactor: settings.redactor)
    }

    var authHeaders: [HTTPHeader] { [HTTPHeader("DD-API-KEY", apiKey), HTTPHeader("DD-APPLICATION-KEY", applicationKey)] }

    /// Runs a rendered query (see ``MetricProvider/runQuery(_:at:deadline:)``).
    public func runQuery(
        _ query: String, at now: Date, deadline: Deadline
    ) async throws(MetricQueryError) -> MetricQueryResult {
        let to = Int64(now.timeIntervalSince1970)
        let pairs = [("query", query), ("from", String(to - fromDelta)), ("to", String(to))]
        guard let url = URLText.join(address, path: "api/v1/query", query: pairs) else {
            throw .configuration("datadog address is not a valid URL")
        }
        let response = try await transport.send(
            HTTPRequest(method: "GET", url: url, headers: authHeaders, timeout: timeout), deadline: deadline)
        let body = transport.body(response)
        guard response.status == 200 else {
            throw .badResponse("error response: \(body): \(response.status) \(HTTPStatusText.text(response.status))")
        }
        guard let json = try? JSONParser.parse([UInt8](response.body)) else {  // reported just below
            throw .badResponse("error unmarshaling result: not JSON, '\(body)'")
        }
        guard let point = json["series"]?.arrayValue?.first?["pointlist"]?.arrayValue?.first?.arrayValue,
            point.count >= 2, let value = point[1].doubleValue
        else { throw .noValues(detail: body) }
        return MetricQueryResult(value: value, sentQuery: query, note: nil)
    }

    /// Checks the provider answers (Flagger's `IsOnline`).
    public func checkOnline(deadline: Deadline) async throws(MetricQueryError) {
        guard let url = URLText.join(address, path: "api/v1/validate") else {
            throw .configuration("datadog address is not a valid URL")
        }
        let response = try await transport.send(
            HTTPRequest(method: "GET", url: url, headers: authHeaders, timeout: timeout), deadline: deadline)
        guard response.status == 200 else { throw .badResponse("error response: \(transport.body(response))") }
    }
}
