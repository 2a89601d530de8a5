import Foundation
import KubeAPI
import Resources

/// Prometheus' instant query API (§4.5): `GET <address>/api/v1/query?query=…`, the address path kept.
///
/// Auth from the template's secret: `token` → `Authorization: Bearer`, else `username` + `password` → Basic.
public struct PrometheusProvider: MetricProvider {
    /// The query `checkOnline` sends; it must return exactly 1.
    public static let onlineQuery = "vector(1)"

    /// The MetricTemplate provider type.
    public let type = "prometheus"
    let address: String
    let headers: [HTTPHeader]
    let authorization: String?
    let insecureSkipVerify: Bool
    let timeout: Duration
    let transport: ProviderTransport

    /// A provider for `settings`; throws when the address is not a URL or the secret lacks credentials.
    public init(
        settings: MetricTemplateProviderSettings, client: any HTTPClient, timeout: Duration = .seconds(5)
    ) throws(MetricQueryError) {
        guard URLText.isValidHTTP(settings.address) else {
            throw .configuration("\(settings.type) address \(URLText.display(settings.address)) is not a valid URL")
        }
        var auth: String?
        if let creds = settings.credentials {
            if let token = creds.text("token") {
                auth = "Bearer " + token
            } else {
                guard let user = creds.text("username") else {
                    throw .configuration("\(settings.type) credentials does not contain a username")
                }
                guard let password = creds.text("password") else {
                    throw .configuration("\(settings.type) credentials does not contain a password")
                }
                auth = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
            }
        }
        self.address = settings.address
        self.headers = settings.headerFields
        self.authorization = auth
        self.insecureSkipVerify = settings.insecureSkipVerify
        self.timeout = timeout
        self.transport = ProviderTransport(client: client, redactor: settings.redactor)
    }

    /// The request for a query (white space already folded).
    func request(for query: String) -> HTTPRequest? {
        guard let url = URLText.join(address, path: "api/v1/query", query: [("query", query)]) else { return nil }
        var h = headers
        if let authorization { h.append(HTTPHeader("Authorization", authorization)) }
        return HTTPRequest(
            method: "GET", url: url, headers: h, timeout: timeout,
            tls: TLSOptions(insecureSkipVerify: insecureSkipVerify))
    }

    /// Runs a rendered query (see ``MetricProvider/runQuery(_:at:deadline:)``).
    public func runQuery(
        _ query: String, at now: Date, deadline: Deadline
    ) async throws(MetricQueryError) -> MetricQueryResult {
        let sent = QueryTemplate.foldWhitespace(query)
        guard let req = request(for: sent) else {
            throw .configuration("prometheus address \(URLText.display(address)) is not a valid URL")
        }
        let response = try await transport.send(req, deadline: deadline)
        if response.status >= 400 {
            throw .httpStatus(code: response.status, body: Self.errorText(response, transport: transport))
        }
        let (value, note) = try Self.parse(response.body, redactor: transport.redactor)
        return MetricQueryResult(value: value, sentQuery: sent, note: note)
    }

    /// Checks the provider answers (Flagger's `IsOnline`).
    public func checkOnline(deadline: Deadline) async throws(MetricQueryError) {
        let r: MetricQueryResult
        do {
            r = try await runQuery(Self.onlineQuery, at: Date(timeIntervalSince1970: 0), deadline: deadline)
        } catch {
            throw .badResponse("running query failed: \(error)")
        }
        if r.value != 1 {
            throw .badResponse("value is not 1 for query: \(Self.onlineQuery)")
        }
    }

    /// Prometheus error bodies (`{"status":"error","errorType":…,"error":…}`) shown as `errorType: error`.
    static func errorText(_ response: HTTPResponse, transport: ProviderTransport) -> String {
        if let json = try? JSONParser.parse([UInt8](response.body)),  // not JSON: show the raw body
            let message = json["error"]?.stringValue
        {
            let type = json["errorType"]?.stringValue.map { $0 + ": " } ?? ""
            return transport.redactor.redact(type + message)
        }
        return transport.body(response)
    }

    /// Parses `/api/v1/query` JSON: the last parsable instant value wins (Flagger), a range vector is an error,
    /// no result or NaN is "no values found".
    static func parse(_ body: Data, redactor: SecretRedactor) throws(MetricQueryError) -> (Double, String?) {
        let json: JSONValue
        do {
            json = try JSONParser.parse([UInt8](body))
        } catch {
            throw .badResponse(
                "error unmarshaling result: \(error), '\(redactor.redact(HTTPStatusText.bodySnippet(body)))'")
        }
        guard let data = json["data"] else {
            throw .badResponse("error unmarshaling result: no data field, '\(HTTPStatusText.bodySnippet(body))'")
        }
        let resultType = data["resultType"]?.stringValue
        if resultType == "scalar", let pair = data["result"]?.arrayValue {
            guard pair.count == 2, let v = try parseSample(pair[1]), !v.isNaN else { throw .noValues(detail: nil) }
            return (v, nil)
        }
        let results = data["result"]?.arrayValue ?? []
        var value: Double?
        var parsed = 0
        for element in results {
            if element["values"] != nil { throw .multipleValues }
            guard let pair = element["value"]?.arrayValue, pair.count == 2 else { continue }
            if let v = try parseSample(pair[1]) {
                value = v
                parsed += 1
            }
        }
        guard let value, !value.isNaN else { throw .noValues(detail: nil) }
        let note =
            parsed > 1
            ? "the query returned \(parsed) series; the last one was used (as Flagger does): aggregate with sum() or avg() to be explicit"
            : nil
        return (value, note)
    }

    /// A sample value: a string float as Prometheus writes them (`"0.5"`, `"NaN"`, `"+Inf"`).
    static func parseSample(_ v: JSONValue) throws(MetricQueryError) -> Double? {
        guard let s = v.stringValue else { return nil }
        switch s {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard let d = Double(s) else { throw .badResponse("strconv.ParseFloat: parsing \"\(s)\": invalid syntax") }
            return d
        }
    }
}
