import Foundation
import KubeAPI
import Resources

/// Graphite's render API: the query is a URL query string (`target=…&from=-1min`), sent as
/// `GET <address>/render?…&format=json` (address path kept); Basic auth from `username`/`password`.
/// The last non-null datapoint of all returned targets wins, as in Flagger.
public struct GraphiteProvider: MetricProvider {
    /// The MetricTemplate provider type.
    public let type = "graphite"
    let address: String
    let authorization: String?
    let insecureSkipVerify: Bool
    let timeout: Duration
    let transport: ProviderTransport

    /// A provider for `settings`.
    public init(
        settings: MetricTemplateProviderSettings, client: any HTTPClient, timeout: Duration = .seconds(5)
    ) throws(MetricQueryError) {
        guard URLText.isValidHTTP(settings.address) else {
            throw .configuration("graphite address \(URLText.display(settings.address)) is not a valid URL")
        }
        var auth: String?
        if let creds = settings.credentials {
            guard let user = creds.text("username") else {
                throw .configuration("graphite credentials does not contain a username")
            }
            guard let password = creds.text("password") else {
                throw .configuration("graphite credentials does not contain a password")
            }
            auth = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        address = settings.address
        authorization = auth
        insecureSkipVerify = settings.insecureSkipVerify
        self.timeout = timeout
        transport = ProviderTransport(client: client, redactor: settings.redactor)
    }

    /// The query's pairs plus `format=json`, sorted by key (as Go's `url.Values.Encode`).
    static func pairs(of query: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for part in QueryTemplate.foldWhitespace(query).split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            let key = kv[0].removingPercentEncoding ?? kv[0]
            if key == "format" { continue }
            let value = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
            out.append((key, value))
        }
        out.append(("format", "json"))
        return out.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
    }

    /// Runs a rendered query (see ``MetricProvider/runQuery(_:at:deadline:)``).
    public func runQuery(
        _ query: String, at now: Date, deadline: Deadline
    ) async throws(MetricQueryError) -> MetricQueryResult {
        let sent = QueryTemplate.foldWhitespace(query)
        guard let url = URLText.join(address, path: "render", query: Self.pairs(of: sent)) else {
            throw .configuration("graphite address is not a valid URL")
        }
        let headers = authorization.map { [HTTPHeader("Authorization", $0)] } ?? []
        let response = try await transport.send(
            HTTPRequest(
                method: "GET", url: url, headers: headers, timeout: timeout,
                tls: TLSOptions(insecureSkipVerify: insecureSkipVerify)), deadline: deadline)
        let body = transport.body(response)
        if response.status >= 400 { throw .badResponse("error response: \(body)") }
        guard let json = try? JSONParser.parse([UInt8](response.body)), let targets = json.arrayValue else {  // reported below
            throw .badResponse("error unmarshaling result: not a JSON array, '\(body)'")
        }
        var value: Double?
        for target in targets {
            for point in target["datapoints"]?.arrayValue ?? [] {
                guard let pair = point.arrayValue, pair.count == 2 else {
                    throw .badResponse("error unmarshaling data point: \(point)")
                }
                if let v = pair[0].doubleValue ?? pair[0].stringValue.flatMap(Double.init) { value = v }
            }
        }
        guard let value else { throw .noValues(detail: nil) }
        return MetricQueryResult(value: value, sentQuery: sent, note: nil)
    }

    /// Checks the provider answers (Flagger's `IsOnline`).
    public func checkOnline(deadline: Deadline) async throws(MetricQueryError) {
        do {
            _ = try await runQuery("target=test", at: Date(timeIntervalSince1970: 0), deadline: deadline)
        } catch {
            if error.isNoValues { return }
            throw .badResponse("running query failed: \(error)")
        }
    }
}
