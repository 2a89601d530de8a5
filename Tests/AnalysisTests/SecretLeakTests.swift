import Analysis
import Foundation
import HTTPServer
import KubeAPI
import Logging
import Resources
import Synchronization
import TestSupport
import Testing

/// A unique token planted in Secrets must never reach a CheckRecord, an alert delivery or a log line, even when
/// servers echo it back.
@Suite("Secrets never leak")
struct SecretLeakTests {
    @Test("tokens, passwords and API keys stay out of records, deliveries and logs")
    func plantedToken() async throws {
        let token = "tok-\(UUID().uuidString)"
        let password = "pw-\(UUID().uuidString)"
        // An unfriendly server: it echoes every header and the query string in a 500.
        let echo = try AnalysisLoopbackReceiver { req, _ in
            let headers = req.headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
            return .text("denied \(req.target) \(headers)", status: 500)
        }
        defer { echo.stop() }
        let objects = try Fixture.objects([
            Fixture.template("bearer", type: "prometheus", address: echo.baseURL, query: "x", secret: "tok"),
            Fixture.template("basic", type: "prometheus", address: echo.baseURL, query: "x", secret: "basic"),
            Fixture.template("dd", type: "datadog", address: echo.baseURL, query: "x", secret: "dd"),
            Fixture.template("nr", type: "newrelic", address: echo.baseURL, query: "x", secret: "nr"),
            Fixture.template("influx", type: "influxdb", address: echo.baseURL, query: "x", secret: "influx"),
            Fixture.template("half", type: "prometheus", address: echo.baseURL, query: "x", secret: "half"),
            Fixture.secret("tok", ["token": token]),
            Fixture.secret("basic", ["username": "alice", "password": password]),
            Fixture.secret("dd", ["datadog_api_key": token, "datadog_application_key": password]),
            Fixture.secret("nr", ["newrelic_account_id": "1", "newrelic_query_key": token]),
            Fixture.secret("influx", ["token": token, "org": "o"]),
            Fixture.secret("half", ["username": token]),
            #"{"apiVersion":"flagger.app/v1beta1","kind":"AlertProvider","metadata":{"name":"chat","namespace":"test"},"spec":{"type":"slack","secretRef":{"name":"chat"}}}"#,
            Fixture.secret("chat", ["address": echo.baseURL + "/hook/\(token)", "token": password]),
        ])
        let logs = CapturedLogs()
        let analyzer = Analyzer(
            client: try CurlHTTPClient(), configuration: AnalyzerConfiguration(retry: RetryPolicy(base: .milliseconds(1))),
            objects: objects, logger: logs.logger)
        var texts: [String] = []
        let metrics = ["bearer", "basic", "dd", "nr", "influx", "half"].map { Fixture.metric($0, max: 1, template: $0) }
        var alertEntry = try JSONCoding.decode(CanaryAlert.self, from: JSONParser.parse(#"{"name":"chat","providerRef":{"name":"chat"}}"#))
        alertEntry.severity = "info"
        let canary = Fixture.canary(metrics: metrics, alerts: [alertEntry])
        for m in metrics {
            let r = await analyzer.evaluate(metric: m, of: canary, at: Fixture.now)
            #expect(r.verdict == .fail, "\(m.name): \(r.message)")
            texts.append("\(r)")
        }
        texts.append("\(await analyzer.isProviderAvailable(for: Fixture.canary(metrics: [metrics[0]])))")
        var hook = CanaryWebhook(name: "h", url: echo.baseURL + "/gate?token=\(token)")
        hook.retries = 1
        texts.append("\(await analyzer.call(webhook: hook, of: canary, phase: .progressing, checksum: "c", at: Fixture.now))")
        let deliveries = await analyzer.alertNotifier.send(Alert(message: "m", severity: .error), for: canary)
        #expect(deliveries.first?.delivered == false)
        texts.append("\(deliveries)")
        #expect(echo.requests.count >= 8)  // the servers did receive the credentials
        let everything = texts.joined(separator: "\n") + "\n" + logs.all
        for line in everything.split(separator: "\n") where line.contains(token) { Issue.record("token leaked: \(line)") }
        #expect(!everything.contains(password), "password leaked")
        #expect(!everything.contains(Data("alice:\(password)".utf8).base64EncodedString()), "basic credential leaked")
        #expect(everything.contains("[redacted]"))
    }
}
