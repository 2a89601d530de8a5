import Foundation
import KubeAPI
import Resources

/// InfluxDB 2 Flux queries: `POST <address>/api/v2/query?org=<org>` with `Authorization: Token <token>` (secret
/// keys `token`, `org`), JSON body `{query, type: "flux", dialect}`, annotated CSV back; the first `_value` wins.
public struct InfluxDBProvider: MetricProvider {
    /// The MetricTemplate provider type.
    public let type = "influxdb"
    let address: String
    let token: String?
    let org: String?
    let insecureSkipVerify: Bool
    let timeout: Duration
    let transport: ProviderTransport

    /// A provider for `settings`.
    public init(
        settings: MetricTemplateProviderSettings, client: any HTTPClient, timeout: Duration = .seconds(15)
    ) throws(MetricQueryError) {
        guard URLText.isValidHTTP(settings.address) else {
            throw .configuration("influxdb address \(URLText.display(settings.address)) is not a valid URL")
        }
        if let creds = settings.credentials {
            guard let t = creds.text("token") else {
                throw .configuration("influxdb credentials does not contain an authentication token")
            }
            guard let o = creds.text("org") else {
                throw .configuration("influxdb credentials does not contain an organisation")
            }
            token = t
            org = o
        } else {
            token = nil
            org = nil
        }
        address = settings.address
        insecureSkipVerify = settings.insecureSkipVerify
        self.timeout = timeout
        transport = ProviderTransport(client: client, redactor: settings.redactor)
    }

    func request(flux: String) -> HTTPRequest? {
        guard let url = URLText.join(address, path: "api/v2/query", query: org.map { [("org", $0)] } ?? []) else {
            return nil
        }
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/csv")]
        if let token { headers.append(HTTPHeader("Authorization", "Token " + token)) }
        let body: JSONValue = [
            "query": .string(flux), "type": "flux",
            "dialect": ["header": true, "delimiter": ",", "annotations": ["datatype", "group", "default"]],
        ]
        return HTTPRequest(
            method: "POST", url: url, headers: headers, body: Data(JSONWriter.bytes(body)), timeout: timeout,
            tls: TLSOptions(insecureSkipVerify: insecureSkipVerify))
    }

    /// Runs a rendered query (see ``MetricProvider/runQuery(_:at:deadline:)``).
    public func runQuery(
        _ query: String, at now: Date, deadline: Deadline
    ) async throws(MetricQueryError) -> MetricQueryResult {
        guard let req = request(flux: query) else { throw .configuration("influxdb address is not a valid URL") }
        let response = try await transport.send(req, deadline: deadline)
        let body = transport.body(response)
        guard response.status == 200 else {
            throw .badResponse("error accessing influxdb query api: \(response.status): \(body)")
        }
        let value = try Self.firstValue(csv: String(decoding: response.body, as: UTF8.self))
        return MetricQueryResult(value: value, sentQuery: query, note: nil)
    }

    /// The `_value` of the first record of an annotated CSV answer.
    static func firstValue(csv: String) throws(MetricQueryError) -> Double {
        var header: [String]?
        for raw in csv.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") {
                if line.isEmpty { header = nil }
                continue
            }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let h = header else {
                header = cells
                continue
            }
            guard let index = h.firstIndex(of: "_value"), index < cells.count else {
                throw .badResponse("invalid response: no _value column in \(h.joined(separator: ","))")
            }
            let text = cells[index]
            if text.isEmpty { throw .noValues(detail: line) }
            guard let v = Double(text) else { throw .badResponse("invalid response: _value \"\(text)\" is not a number") }
            return v
        }
        throw .noValues(detail: nil)
    }

    /// Checks the provider answers (Flagger's `IsOnline`).
    public func checkOnline(deadline: Deadline) async throws(MetricQueryError) {
        guard let url = URLText.join(address, path: "health") else {
            throw .configuration("influxdb address is not a valid URL")
        }
        let response = try await transport.send(
            HTTPRequest(method: "GET", url: url, timeout: timeout, tls: TLSOptions(insecureSkipVerify: insecureSkipVerify)),
            deadline: deadline)
        guard response.status == 200 else { throw .badResponse("error accessing influxdb health api: \(response.status)") }
    }
}
