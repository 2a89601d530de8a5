import Analysis
import Foundation
import HTTPServer
import KubeAPI
import Resources
import TestSupport
import Testing

/// Datadog, New Relic, Graphite and InfluxDB through their HTTP APIs, each against a loopback fake that checks
/// the request shape, over the real libcurl client.
@Suite("MetricTemplate providers over loopback")
struct TemplateProviderTests {
    func run(
        type: String, secret: [String: String], query: String, interval: String = "1m",
        fake: AnalysisLoopbackReceiver, addressPath: String = ""
    ) async throws -> CheckRecord {
        let tpl = Fixture.template(
            "t", type: type, address: fake.baseURL + addressPath, query: query, secret: secret.isEmpty ? nil : "creds")
        let objects = try Fixture.objects([tpl] + (secret.isEmpty ? [] : [Fixture.secret("creds", secret)]))
        let analyzer = Fixture.analyzer(try CurlHTTPClient(), objects: objects)
        let metric = Fixture.metric("m", max: 10, template: "t", interval: interval)
        return await analyzer.evaluate(metric: metric, of: Fixture.canary(metrics: [metric]), at: Fixture.now)
    }

    @Test("datadog: GET /api/v1/query with keys in headers and a window of ten intervals")
    func datadog() async throws {
        let fake = try AnalysisLoopbackReceiver { req, _ in
            guard req.method == "GET", req.path == "/api/v1/query", req.header("DD-API-KEY") == "api-key-1",
                req.header("DD-APPLICATION-KEY") == "app-key-1", req.query["query"] == "avg:errors{app:podinfo}",
                req.query["from"] == "1789999400", req.query["to"] == "1790000000"
            else { return .text("unexpected request \(req.target)", status: 400) }
            return .json(Array(#"{"series":[{"pointlist":[[1790000000000,4.5],[1790000060000,9]]}]}"#.utf8))
        }
        defer { fake.stop() }
        let r = try await run(
            type: "datadog", secret: ["datadog_api_key": "api-key-1", "datadog_application_key": "app-key-1"],
            query: "avg:errors{app:{{ target }}}", fake: fake)
        #expect(r.verdict == .pass, "\(r.message)")
        #expect(r.value == 4.5)
        #expect(fake.requests.count == 1)
    }

    @Test("datadog: an empty series list is no data")
    func datadogEmpty() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.json(Array(#"{"series":[]}"#.utf8))])
        defer { fake.stop() }
        let r = try await run(
            type: "datadog", secret: ["datadog_api_key": "a1234", "datadog_application_key": "b1234"], query: "q", fake: fake)
        #expect(r.verdict == .fail)
        #expect(r.message.hasPrefix("Halt advancement no values found for custom metric: m: invalid response: "))
    }

    @Test("newrelic: NRQL with SINCE <interval> seconds ago and X-Query-Key")
    func newRelic() async throws {
        let fake = try AnalysisLoopbackReceiver { req, _ in
            guard req.method == "GET", req.path == "/v1/accounts/12345/query", req.header("X-Query-Key") == "nr-key-1",
                req.query["nrql"] == "SELECT percentage(count(*), WHERE error) FROM Transaction WHERE appName = 'podinfo' SINCE 120 seconds ago"
            else { return .text("unexpected request \(req.target)", status: 400) }
            return .json(Array(#"{"results":[{"result":12.5}]}"#.utf8))
        }
        defer { fake.stop() }
        let r = try await run(
            type: "newrelic", secret: ["newrelic_account_id": "12345", "newrelic_query_key": "nr-key-1"],
            query: "SELECT percentage(count(*), WHERE error) FROM Transaction WHERE appName = '{{ target }}'",
            interval: "2m", fake: fake)
        #expect(r.value == 12.5)
        #expect(r.verdict == .fail)
        #expect(r.message == "Halt podinfo.test advancement m 12.50 > 10")
    }

    @Test("graphite: GET <path>/render?…&format=json with Basic auth; the last non-null point wins")
    func graphite() async throws {
        let fake = try AnalysisLoopbackReceiver { req, _ in
            guard req.method == "GET", req.path == "/graphite/render", req.query["format"] == "json",
                req.query["target"] == "sumSeries(app.podinfo.errors)", req.query["from"] == "-1min",
                req.header("Authorization") == "Basic " + Data("graph:pw-1234".utf8).base64EncodedString()
            else { return .text("unexpected request \(req.target)", status: 400) }
            return .json(Array(#"[{"target":"x","datapoints":[[1.5,1],[3.25,2],[null,3]]}]"#.utf8))
        }
        defer { fake.stop() }
        let r = try await run(
            type: "graphite", secret: ["username": "graph", "password": "pw-1234"],
            query: "target=sumSeries(app.{{ target }}.errors)&from=-1min", fake: fake, addressPath: "/graphite")
        #expect(r.verdict == .pass, "\(r.message)")
        #expect(r.value == 3.25)
    }

    @Test("influxdb: POST /api/v2/query?org= with a Token and a Flux body; annotated CSV back")
    func influx() async throws {
        let fake = try AnalysisLoopbackReceiver { req, _ in
            guard req.method == "POST", req.path == "/api/v2/query", req.query["org"] == "my-org",
                req.header("Authorization") == "Token influx-tok-1",
                let body = try? JSONParser.parse(req.bodyText), body["type"]?.stringValue == "flux",
                body["query"]?.stringValue == #"from(bucket: "app") |> filter(fn: (r) => r.ns == "test")"#
            else { return .text("unexpected request \(req.target) \(req.bodyText)", status: 400) }
            let csv = "#datatype,string,long,double\n#group,false,false,false\n#default,_result,,\n,result,table,_value\n,,0,7.5\n"
            return .text(csv, contentType: "text/csv")
        }
        defer { fake.stop() }
        let r = try await run(
            type: "influxdb", secret: ["token": "influx-tok-1", "org": "my-org"],
            query: #"from(bucket: "app") |> filter(fn: (r) => r.ns == "{{ namespace }}")"#, fake: fake)
        #expect(r.verdict == .pass, "\(r.message)")
        #expect(r.value == 7.5)
    }

    @Test("types GitCanary does not query fail the check and warn at validation")
    func unsupported() async throws {
        #expect(MetricProviderFactory.validationWarning(for: "prometheus") == nil)
        #expect(MetricProviderFactory.validationWarning(for: "stackdriver")?.contains("not supported yet") == true)
        #expect(MetricProviderFactory.validationWarning(for: "bogus")?.contains("unknown metric provider type") == true)
        let fake = try AnalysisLoopbackReceiver(responses: [])
        defer { fake.stop() }
        let r = try await run(type: "dynatrace", secret: [:], query: "x", fake: fake)
        #expect(r.verdict == .fail)
        #expect(r.message.contains(#"metric provider type "dynatrace" is not supported yet"#))
        #expect(fake.requests.isEmpty)
    }
}
