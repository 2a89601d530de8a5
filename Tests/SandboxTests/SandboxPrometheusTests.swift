import Foundation
import Resources
import Sandbox
import Testing
import TestSupport

/// The Prometheus-compatible query API and the `/metrics` exposition, judged by a real Prometheus.
@Suite("Sandbox metrics")
struct SandboxPrometheusTests {
    /// Flagger's builtin istio queries (observer templates rendered for default/podinfo, 1m).
    static let istioSuccess = """
        sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="default",
          destination_workload=~"podinfo", response_code!~"5.*" }[1m] ) )
        / sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="default",
          destination_workload=~"podinfo" }[1m] ) ) * 100
        """
    static let istioDuration = """
        histogram_quantile( 0.99, sum( rate( istio_request_duration_milliseconds_bucket{ reporter="destination",
          destination_workload_namespace="default", destination_workload=~"podinfo" }[1m] ) ) by (le) )
        """
    static let linkerdSuccess = #" sum( rate( response_total{ namespace="default", deployment=~"podinfo", classification!="failure", direction="inbound" }[1m] ) ) / sum( rate( response_total{ namespace="default", deployment=~"podinfo", direction="inbound" }[1m] ) ) * 100"#
    static let linkerdDuration = #" histogram_quantile( 0.99, sum( rate( response_latency_ms_bucket{ namespace="default", deployment=~"podinfo", direction="inbound" }[1m] ) ) by (le) )"#
    static let nginxSuccess = #"sum(rate(nginx_ingress_controller_requests{namespace="default",ingress="podinfo",status!~"5.*"}[1m])) / sum(rate(nginx_ingress_controller_requests{namespace="default",ingress="podinfo"}[1m])) * 100"#
    static let nginxDuration = #"sum(rate(nginx_ingress_controller_ingress_upstream_latency_seconds_sum{namespace="default",ingress="podinfo"}[1m])) / sum(rate(nginx_ingress_controller_ingress_upstream_latency_seconds_count{namespace="default",ingress="podinfo"}[1m])) * 1000"#
    static let httpSuccess = #"sum(rate(http_request_duration_seconds_count{kubernetes_namespace="default",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",status!~"5.*"}[1m])) / sum(rate(http_request_duration_seconds_count{kubernetes_namespace="default",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) * 100"#
    static let httpDuration = #"histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{kubernetes_namespace="default",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))"#
    static let contourSuccess = #"sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"default_podinfo-canary_[0-9a-zA-Z-]+",envoy_response_code!~"5.*"}[1m])) / sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"default_podinfo-canary_[0-9a-zA-Z-]+",}[1m])) * 100"#
    static let contourDuration = #"histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~"default_podinfo-canary_[0-9a-zA-Z-]+",}[1m])) by (le))"#

    static func deployment(successRate: String, latency: String, ready: Bool = true) -> String {
        #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"podinfo"},
         "spec":{"selector":{"matchLabels":{"app":"podinfo"}},
          "template":{"metadata":{"labels":{"app":"podinfo"},"annotations":{
            "sandbox.gitcanary.dev/success-rate":"\#(successRate)","sandbox.gitcanary.dev/latency-ms":"\#(latency)",
            "sandbox.gitcanary.dev/ready":"\#(ready)"}},
           "spec":{"containers":[{"name":"app","image":"podinfo:1"}]}}}}
        """#
    }

    static func value(_ json: JSONValue) -> Double? {
        json["data", "result"]?.arrayValue?.last?["value"]?.arrayValue?.last?.stringValue.flatMap(Double.init)
    }

    func query(_ h: SandboxHarness, _ q: String) throws -> (Int, JSONValue) {
        let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let r = try h.request("GET", "/prometheus/api/v1/query?query=\(encoded)")
        return (r.status, r.json)
    }

    @Test("query API: vector(1), builtin queries of five observers follow the pod template; no data when not ready; errors name the query")
    func queryAPI() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        #expect(Self.value(try query(h, "vector(1)").1) == 1)
        // No workload yet: no data.
        let empty = try query(h, Self.istioSuccess)
        #expect(empty.0 == 200)
        #expect(empty.1["data", "result"] == [])
        let path = "/apis/apps/v1/namespaces/default/deployments"
        #expect(try h.request("POST", path, body: Self.deployment(successRate: "97.5", latency: "120")).status == 201)
        let ingress = #"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web"},"spec":{"rules":[{"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"podinfo-primary","port":{"number":80}}}}]}}]}}"#
        #expect(try h.request("POST", "/apis/networking.k8s.io/v1/namespaces/default/ingresses", body: ingress).status == 201)
        for q in [Self.istioSuccess, Self.linkerdSuccess, Self.nginxSuccess, Self.httpSuccess, Self.contourSuccess] {
            #expect(Self.value(try query(h, q).1) == 97.5, "\(q)")
        }
        for q in [Self.istioDuration, Self.linkerdDuration, Self.nginxDuration, Self.contourDuration] {
            #expect(Self.value(try query(h, q).1) == 120, "\(q)")
        }
        #expect(Self.value(try query(h, Self.httpDuration).1) == 0.12)
        let viaIngress = Self.nginxSuccess.replacingOccurrences(of: "ingress=\"podinfo\"", with: "ingress=\"web\"")
        #expect(Self.value(try query(h, viaIngress).1) == 97.5)

        let notReady = Self.deployment(successRate: "97.5", latency: "120", ready: false)
        #expect(try h.request("PUT", path + "/podinfo", body: notReady).status == 200)
        #expect(try query(h, Self.istioSuccess).1["data", "result"] == [])

        let unknown = try query(h, "sum(rate(foo_total[5m]))")
        #expect(unknown.0 == 400)
        #expect(unknown.1["status"] == "error")
        #expect(unknown.1["errorType"] == "bad_data")
        #expect(unknown.1["error"]?.stringValue?.contains("sum(rate(foo_total[5m]))") == true)
    }

    @Test("a real Prometheus scraping /metrics computes Flagger's istio queries as the query API answers them",
          .enabled(if: SandboxProcessRunner.which("prometheus") != nil, "prometheus is not installed"))
    func realPrometheus() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let path = "/apis/apps/v1/namespaces/default/deployments"
        #expect(try h.request("POST", path, body: Self.deployment(successRate: "95", latency: "120")).status == 201)
        let port = try #require(SandboxBackgroundProcess.freePort())
        let config = try h.file("prometheus.yml", """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
            - job_name: sandbox
              metrics_path: /metrics
              static_configs: [{targets: ["127.0.0.1:\(h.sandbox.port)"]}]
            """)
        let prometheus = try SandboxBackgroundProcess(
            try #require(SandboxProcessRunner.which("prometheus")),
            ["--config.file=\(config)", "--storage.tsdb.path=\(h.directory)/tsdb",
             "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"],
            logPath: h.directory + "/prometheus.log")
        defer { prometheus.stop() }

        func promQuery(_ q: String) throws -> Double? {
            let r = try SandboxProcessRunner.run("/usr/bin/curl", ["-sG", "--data-urlencode", "query=\(q)",
                                                                   "http://127.0.0.1:\(port)/api/v1/query"])
            return Self.value((try? JSONParser.parse(r.stdout)) ?? .null)
        }
        let deadline = Date().addingTimeInterval(25)
        var success: Double? = nil
        var duration: Double? = nil
        while Date() < deadline {
            success = try promQuery(Self.istioSuccess)
            duration = try promQuery(Self.istioDuration)
            if let s = success, let d = duration, !s.isNaN, !d.isNaN { break }
            usleep(500_000)
        }
        let expectedSuccess = try #require(Self.value(try query(h, Self.istioSuccess).1))
        let expectedDuration = try #require(Self.value(try query(h, Self.istioDuration).1))
        let s = try #require(success, "Prometheus gave no answer; log: \(prometheus.log)")
        let d = try #require(duration, "Prometheus gave no answer; log: \(prometheus.log)")
        #expect(abs(s - expectedSuccess) < 0.5, "Prometheus \(s) vs query API \(expectedSuccess)")
        #expect(abs(d - expectedDuration) < 1, "Prometheus \(d) vs query API \(expectedDuration)")
        // The other observers' series are exposed too, and agree with the query API the same way.
        for (q, tolerance) in [(Self.linkerdSuccess, 0.5), (Self.linkerdDuration, 1), (Self.contourSuccess, 0.5),
                               (Self.contourDuration, 1), (Self.httpSuccess, 0.5), (Self.httpDuration, 0.001)] {
            let expected = try #require(Self.value(try query(h, q).1))
            let measured = try #require(try promQuery(q), "no answer for \(q)")
            #expect(abs(measured - expected) < tolerance, "\(q): Prometheus \(measured) vs query API \(expected)")
        }
    }
}
