import Analysis
import Foundation
import KubeAPI
import Resources
import TestSupport
import Testing

/// Every text of flagger-behaviour.md §4.2 (and §4.1's "no usable template"), asserted through `evaluate`.
@Suite("Metric verdicts and Flagger's messages")
struct MetricMessageTests {
    func evaluate(
        _ metric: CanaryMetric, answer: String, status: Int = 200, provider: String? = nil,
        objects: [String] = []
    ) async throws -> CheckRecord {
        let client = AnalysisScriptedHTTPClient(status: status, json: answer)
        let analyzer = Fixture.analyzer(client, objects: try Fixture.objects(objects))
        let canary = Fixture.canary(provider: provider, metrics: [metric])
        return await analyzer.evaluate(metric: metric, of: canary, at: Fixture.now)
    }

    @Test("request-success-rate: below min, above max, below the deprecated threshold, within range")
    func successRate() async throws {
        var r = try await evaluate(Fixture.metric("request-success-rate", min: 99), answer: Fixture.vector(["95.5"]))
        #expect(r.verdict == .fail)
        #expect(r.message == "Halt podinfo.test advancement success rate 95.50% < 99%")
        #expect(r.value == 95.5)
        #expect(r.min == 99)
        r = try await evaluate(Fixture.metric("request-success-rate", min: 0, max: 99.5), answer: Fixture.vector(["100"]))
        #expect(r.message == "Halt podinfo.test advancement success rate 100.00% > 99.5%")
        r = try await evaluate(Fixture.metric("request-success-rate", threshold: 99), answer: Fixture.vector(["98.999"]))
        #expect(r.message == "Halt podinfo.test advancement success rate 99.00% < 99%")
        r = try await evaluate(Fixture.metric("request-success-rate", min: 99), answer: Fixture.vector(["99"]))
        #expect(r.verdict == .pass)
        #expect(r.message == "success rate 99.00% >= 99%")
        #expect(r.time == Fixture.now)
        #expect(r.kind == .metric)
    }

    @Test("request-duration: whole milliseconds, Go duration texts, threshold as a maximum")
    func duration() async throws {
        var r = try await evaluate(Fixture.metric("request-duration", max: 500), answer: Fixture.vector(["1500.9"]))
        #expect(r.verdict == .fail)
        #expect(r.message == "Halt podinfo.test advancement request duration 1.5s > 500ms")
        #expect(r.value == 1500)
        r = try await evaluate(Fixture.metric("request-duration", min: 100), answer: Fixture.vector(["20"]))
        #expect(r.message == "Halt podinfo.test advancement request duration 20ms < 100ms")
        r = try await evaluate(Fixture.metric("request-duration", threshold: 60000), answer: Fixture.vector(["90500"]))
        #expect(r.message == "Halt podinfo.test advancement request duration 1m30.5s > 1m0s")
        r = try await evaluate(Fixture.metric("request-duration", max: 500), answer: Fixture.vector(["499.99"]))
        #expect(r.verdict == .pass)
        #expect(r.value == 499)
    }

    @Test("the generic HTTP observer's seconds become milliseconds")
    func httpSeconds() async throws {
        let r = try await evaluate(
            Fixture.metric("request-duration", max: 500), answer: Fixture.vector(["0.75"]), provider: "kubernetes")
        #expect(r.message == "Halt podinfo.test advancement request duration 750ms > 500ms")
        #expect(r.query?.contains("http_request_duration_seconds_bucket") == true)
    }

    @Test("inline and template metrics: min, max, deprecated threshold as a maximum")
    func custom() async throws {
        var r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)"), answer: Fixture.vector(["7.126"]))
        #expect(r.message == "Halt podinfo.test advancement errors 7.13 > 5")
        r = try await evaluate(Fixture.metric("errors", min: 1.5, query: "sum(x)"), answer: Fixture.vector(["1"]))
        #expect(r.message == "Halt podinfo.test advancement errors 1.00 < 1.5")
        r = try await evaluate(Fixture.metric("errors", threshold: 2, query: "sum(x)"), answer: Fixture.vector(["3"]))
        #expect(r.message == "Halt podinfo.test advancement errors 3.00 > 2")
        let tpl = Fixture.template("latency", type: "prometheus", address: "http://prom:9090", query: "sum(y{ns=\"{{ namespace }}\"})")
        r = try await evaluate(Fixture.metric("latency", max: 1, template: "latency"), answer: Fixture.vector(["2"]), objects: [tpl])
        #expect(r.message == "Halt podinfo.test advancement latency 2.00 > 1")
        #expect(r.query == #"sum(y{ns="test"})"#)
    }

    @Test("no values: Flagger's warnings for builtins, inline queries and templates")
    func noValues() async throws {
        let empty = Fixture.vector([])
        var r = try await evaluate(Fixture.metric("request-success-rate", min: 99), answer: empty)
        #expect(r.verdict == .fail)
        #expect(r.message == "Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic: no values found")
        r = try await evaluate(Fixture.metric("request-duration", max: 5), answer: Fixture.vector(["NaN"]), provider: "linkerd")
        #expect(r.message == "Halt advancement no values found for linkerd metric request-duration probably podinfo.test is not receiving traffic")
        r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)"), answer: empty)
        #expect(r.message == "Halt advancement no values found for metric: errors")
        let tpl = Fixture.template("t", type: "prometheus", address: "http://prom:9090", query: "sum(y)")
        r = try await evaluate(Fixture.metric("custom", max: 5, template: "t"), answer: empty, objects: [tpl])
        #expect(r.message == "Halt advancement no values found for custom metric: custom: no values found")
    }

    @Test("onNoData pass and hold change the verdict, not the cause")
    func onNoData() async throws {
        var r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)", onNoData: "pass"), answer: Fixture.vector([]))
        #expect(r.verdict == .pass)
        #expect(r.message == "Passed (onNoData: pass): no values found for metric: errors")
        r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)", onNoData: "hold"), answer: Fixture.vector(["NaN"]))
        #expect(r.verdict == .hold)
        #expect(r.message == "Holding (onNoData: hold), the next run asks again: no values found for metric: errors")
        // onNoData never hides a real error.
        r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)", onNoData: "pass"), answer: "{}", status: 500)
        #expect(r.verdict == .fail)
    }

    @Test("errors: Prometheus, template lookup, secret, provider, render, unusable metric")
    func errors() async throws {
        var r = try await evaluate(
            Fixture.metric("request-success-rate", min: 99),
            answer: #"{"status":"error","errorType":"bad_data","error":"parse error"}"#, status: 400)
        #expect(r.message == "Prometheus query failed: running query failed: error response: Status 400 Bad Request: bad_data: parse error")
        r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)"), answer: "oops", status: 503)
        #expect(r.message == "Prometheus query failed for errors: error response: Status 503 Service Unavailable: oops")
        let plain = Fixture.template("p", type: "prometheus", address: "http://prom:9090", query: "x")
        r = try await evaluate(Fixture.metric("m", max: 5, template: "p"), answer: "overloaded", status: 502, objects: [plain])
        #expect(r.message == "Metric query failed for m: error response: Status 502 Bad Gateway: overloaded")
        r = try await evaluate(Fixture.metric("m", max: 5, template: "missing"), answer: "")
        #expect(r.message == #"Metric template missing.test error: metrictemplate.flagger.app "missing" not found"#)
        let withSecret = Fixture.template("t", type: "prometheus", address: "http://prom", query: "x", secret: "creds")
        r = try await evaluate(Fixture.metric("m", max: 5, template: "t"), answer: "", objects: [withSecret])
        #expect(r.message == #"Metric template t.test secret creds error: secret "creds" not found"#)
        r = try await evaluate(
            Fixture.metric("m", max: 5, template: "t"), answer: "",
            objects: [withSecret, Fixture.secret("creds", ["username": "u"])])
        #expect(r.message == "Metric template t.test provider prometheus error: prometheus credentials does not contain a password")
        let renders = Fixture.template("r", type: "prometheus", address: "http://prom", query: "x{a=\"{{ variables.nope }}\"}")
        r = try await evaluate(Fixture.metric("m", max: 5, template: "r"), answer: "", objects: [renders])
        #expect(r.message.hasPrefix(#"Metric template r.test query render error: {{ variables.nope }}: map has no entry for key "nope""#))
        let cloud = Fixture.template("cw", type: "cloudwatch", address: "", query: "x")
        r = try await evaluate(Fixture.metric("m", max: 5, template: "cw"), answer: "", objects: [cloud])
        #expect(r.verdict == .fail)
        #expect(r.message == #"Metric template cw.test provider cloudwatch error: metric provider type "cloudwatch" is not supported yet by gitcanary"#)
        let badServer = Fixture.analyzer(
            AnalysisScriptedHTTPClient(json: ""), configuration: AnalyzerConfiguration(metricsServer: "prometheus:9090"))
        let bs = await badServer.evaluate(metric: Fixture.metric("request-success-rate", min: 1), of: Fixture.canary(), at: Fixture.now)
        #expect(bs.message == "Error building Prometheus client for prometheus:9090 prometheus address prometheus:9090 is not a valid URL")
        r = try await evaluate(Fixture.metric("m"), answer: "")
        #expect(r.message == "Metric query failed for no usable metrics template and query were configured")
        r = try await evaluate(Fixture.metric("errors", max: 5, query: "sum(x)"), answer: "not json")
        #expect(r.message.hasPrefix("Prometheus query failed for errors: error unmarshaling result: "))
    }

    @Test("several series: the last one is used, and the record says so")
    func severalSeries() async throws {
        let r = try await evaluate(Fixture.metric("errors", max: 5, query: "x"), answer: Fixture.vector(["1", "9", "2"]))
        #expect(r.value == 2)
        #expect(r.verdict == .pass)
        #expect(r.message.contains("the query returned 3 series; the last one was used"))
    }

    @Test("range vectors are refused with Flagger's text")
    func rangeVector() async throws {
        let body = #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}}"#
        let r = try await evaluate(Fixture.metric("errors", max: 5, query: "x[1m]"), answer: body)
        #expect(r.message == "Prometheus query failed for errors: query returned multiple values")
    }

    @Test("Knative canaries need the latest revision from the observed objects")
    func knative() async throws {
        let r = try await evaluate(Fixture.metric("request-success-rate", min: 99), answer: Fixture.vector(["100"]), provider: "knative")
        #expect(r.verdict == .fail)
        #expect(r.message.hasPrefix("Error fetching Knative service test/podinfo"))
    }
}
