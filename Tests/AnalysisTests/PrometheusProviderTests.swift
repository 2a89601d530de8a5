import Analysis
import Foundation
import KubeAPI
import Resources
import TestSupport
import Testing

@Suite("Prometheus provider request shape and budget")
struct PrometheusProviderTests {
    @Test("GET <address path>/api/v1/query with the folded query form-encoded, headers, bearer token, TLS setting")
    func requestShape() async throws {
        let client = AnalysisScriptedHTTPClient(json: Fixture.vector(["1"]))
        let tpl = Fixture.template(
            "t", type: "prometheus", address: "https://thanos.example:9443/prefix/", query: "sum(rate(x{a=\"b&c\"}[{{ interval }}]))\n  + 1",
            secret: "creds", extra: #","headers":{"X-Scope-OrgID":["tenant-1"]},"insecureSkipVerify":true"#)
        let objects = try Fixture.objects([tpl, Fixture.secret("creds", ["token": "tok-123"])])
        let analyzer = Fixture.analyzer(client, objects: objects)
        let metric = Fixture.metric("m", max: 5, template: "t", interval: "30s")
        let r = await analyzer.evaluate(metric: metric, of: Fixture.canary(metrics: [metric]), at: Fixture.now)
        #expect(r.verdict == .pass)
        let req = try #require(client.requests.first)
        #expect(req.method == "GET")
        #expect(req.url == "https://thanos.example:9443/prefix/api/v1/query?query=sum%28rate%28x%7Ba%3D%22b%26c%22%7D%5B30s%5D%29%29%20%2B%201")
        #expect(req.headers.contains(HTTPHeader("X-Scope-OrgID", "tenant-1")))
        #expect(req.headers.contains(HTTPHeader("Authorization", "Bearer tok-123")))
        #expect(req.tls.insecureSkipVerify)
        #expect(req.timeout == .seconds(5))
        #expect(r.query == #"sum(rate(x{a="b&c"}[30s])) + 1"#)
    }

    @Test("username and password become Basic auth")
    func basicAuth() async throws {
        let client = AnalysisScriptedHTTPClient(json: Fixture.vector(["1"]))
        let tpl = Fixture.template("t", type: "prometheus", address: "http://prom:9090", query: "x", secret: "creds")
        let objects = try Fixture.objects([tpl, Fixture.secret("creds", ["username": "alice", "password": "s3cret"])])
        let metric = Fixture.metric("m", max: 5, template: "t")
        _ = await Fixture.analyzer(client, objects: objects).evaluate(metric: metric, of: Fixture.canary(), at: Fixture.now)
        #expect(client.requests.first?.headers.contains(HTTPHeader("Authorization", "Basic YWxpY2U6czNjcmV0")) == true)
    }

    @Test("the canary's metricsServer wins over the global one; scalar answers are read")
    func metricsServer() async throws {
        let client = AnalysisScriptedHTTPClient(json: #"{"status":"success","data":{"resultType":"scalar","result":[1,"42"]}}"#)
        let canary = Fixture.canary(metricsServer: "http://vm.monitoring:8428/select/0/prometheus")
        let r = await Fixture.analyzer(client).evaluate(metric: Fixture.metric("m", max: 50, query: "scalar(x)"), of: canary, at: Fixture.now)
        #expect(r.value == 42)
        #expect(client.requests.first?.url.hasPrefix("http://vm.monitoring:8428/select/0/prometheus/api/v1/query?query=") == true)
    }

    @Test("a budget shorter than the query timeout bounds it; a timeout caused by the budget is a hold")
    func budget() async throws {
        let client = AnalysisScriptedHTTPClient { request, _ throws(TransportError) in
            throw TransportError(code: .timedOut, server: "http://prometheus:9090", message: "Operation timed out")
        }
        let analyzer = Fixture.analyzer(client, deadline: Deadline(after: .seconds(2)))
        let metric = Fixture.metric("request-success-rate", min: 99)
        let r = await analyzer.evaluate(metric: metric, of: Fixture.canary(), at: Fixture.now)
        #expect(r.verdict == .hold)
        #expect(r.message.hasPrefix("Not done: the run's time budget ended before metric request-success-rate finished"))
        let timeout = try #require(client.requests.first?.timeout)
        #expect(timeout <= .seconds(2) && timeout > .seconds(1))

        // A provider timeout within the budget is a failure, as in Flagger.
        let own = await Fixture.analyzer(client, deadline: Deadline(after: .seconds(60))).evaluate(
            metric: metric, of: Fixture.canary(), at: Fixture.now)
        #expect(own.verdict == .fail)
        #expect(own.message == "Prometheus query failed: running query failed: request failed: http://prometheus:9090: Operation timed out")

        // An exhausted budget sends nothing.
        let before = client.requests.count
        let none = await Fixture.analyzer(client, deadline: Deadline(after: .zero)).evaluate(
            metric: metric, of: Fixture.canary(), at: Fixture.now)
        #expect(none.verdict == .hold)
        #expect(client.requests.count == before)
    }

    @Test("provider availability: vector(1) on the metrics server, templates, secrets")
    func availability() async throws {
        let ok = AnalysisScriptedHTTPClient(json: Fixture.vector(["1"]))
        let canary = Fixture.canary(metrics: [
            Fixture.metric("request-success-rate", min: 99), Fixture.metric("request-duration", max: 5),
        ])
        var r = await Fixture.analyzer(ok).isProviderAvailable(for: canary)
        #expect(r.verdict == .pass)
        #expect(r.message == "all the metrics providers are available!")
        #expect(ok.requests.count == 1)  // one check per server
        #expect(ok.requests.first?.url == "http://prometheus:9090/api/v1/query?query=vector%281%29")

        let zero = AnalysisScriptedHTTPClient(json: Fixture.vector(["0"]))
        r = await Fixture.analyzer(zero).isProviderAvailable(for: canary)
        #expect(r.verdict == .fail)
        #expect(r.message == "prometheus not available: value is not 1 for query: vector(1)")

        let templated = Fixture.canary(metrics: [Fixture.metric("m", max: 1, template: "t")])
        r = await Fixture.analyzer(ok).isProviderAvailable(for: templated)
        #expect(r.message == #"metric template t.test error: metrictemplate.flagger.app "t" not found"#)
        let tpl = Fixture.template("t", type: "datadog", address: "", query: "x", secret: "dd")
        r = await Fixture.analyzer(ok, objects: try Fixture.objects([tpl, Fixture.secret("dd", ["datadog_api_key": "k1234"])]))
            .isProviderAvailable(for: templated)
        #expect(r.message == "metric template t.test provider datadog error: datadog credentials does not contain datadog_application_key")
    }
}
