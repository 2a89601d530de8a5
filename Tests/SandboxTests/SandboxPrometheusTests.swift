import Analysis
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

    /// examples/podinfo-istio's MetricTemplate rendered for default/podinfo, and a 5xx percentage.
    static let notFoundPercentage = #"100 - sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="default", destination_workload="podinfo", response_code!="404" }[1m] ) ) / sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="default", destination_workload="podinfo" }[1m] ) ) * 100"#
    static let errorPercentage = #"sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="default",destination_workload="podinfo",response_code=~"5.."}[1m])) / sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="default",destination_workload="podinfo"}[1m])) * 100"#

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

    /// The metrics provider each observer is chosen by (§4.6).
    static let providers: [Observer: String] = [
        .istio: "istio", .linkerd: "linkerd", .appmesh: "appmesh:v1beta2", .contour: "contour", .gloo: "gloo",
        .nginx: "nginx", .http: "gatewayapi:v1", .skipper: "skipper", .traefik: "traefik", .osm: "osm", .kuma: "kuma",
        .apisix: "apisix", .knative: "knative",
    ]

    /// A canary in namespace `team-a` for target `web-app` (names with `-`, as the joined `<ns>-<target>` labels of
    /// Gloo and Traefik have them), with an ingressRef and a routeRef of other names.
    static func canary(provider: String) throws -> Canary {
        let knative = provider == "knative"
        let target = knative
            ? #"{"apiVersion":"serving.knative.dev/v1","kind":"Service","name":"web-app"}"#
            : #"{"apiVersion":"apps/v1","kind":"Deployment","name":"web-app"}"#
        return try Canary(json: JSONParser.parse(#"""
            {"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"web-app","namespace":"team-a"},
             "spec":{"provider":"\#(provider)","targetRef":\#(target),
              "ingressRef":{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"public"},
              "routeRef":{"apiVersion":"apisix.apache.org/v2","kind":"ApisixRoute","name":"web-route"},
              "service":{"port":80},
              "analysis":{"interval":"1m","threshold":5,"metrics":[{"name":"request-success-rate","interval":"1m"}]}}}
            """#))
    }

    /// The objects a canary of `web-app` in `team-a` has on a cluster after initialization: the canary workload
    /// (97.5% / 120 ms), the primary (100% / 10 ms), their Services, Flagger's canary Ingress and a Knative Service.
    static func canaryWorld(_ h: SandboxHarness) throws {
        func post(_ path: String, _ body: String) throws {
            let r = try h.request("POST", path, body: body)
            #expect(r.status == 201, "\(path): \(r.text)")
        }
        try post("/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}"#)
        for (name, sr, latency) in [("web-app", "97.5", "120"), ("web-app-primary", "100", "10")] {
            try post("/apis/apps/v1/namespaces/team-a/deployments", #"""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)"},
                 "spec":{"selector":{"matchLabels":{"app":"\#(name)"}},
                  "template":{"metadata":{"labels":{"app":"\#(name)"},"annotations":{
                    "sandbox.gitcanary.dev/success-rate":"\#(sr)","sandbox.gitcanary.dev/latency-ms":"\#(latency)"}},
                   "spec":{"containers":[{"name":"app","image":"podinfo:1"}]}}}}
                """#)
            let service = name == "web-app" ? "web-app-canary" : name
            try post("/api/v1/namespaces/team-a/services", #"""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(service)"},
                 "spec":{"selector":{"app":"\#(name)"},"ports":[{"port":80}]}}
                """#)
        }
        try post("/apis/networking.k8s.io/v1/namespaces/team-a/ingresses", #"""
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"public-canary"},
             "spec":{"rules":[{"http":{"paths":[{"path":"/","pathType":"Prefix",
               "backend":{"service":{"name":"web-app-canary","port":{"number":80}}}}]}}]}}
            """#)
        try post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", #"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"services.serving.knative.dev"},
             "spec":{"group":"serving.knative.dev","scope":"Namespaced",
              "names":{"kind":"Service","listKind":"ServiceList","plural":"services","singular":"service"},
              "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """#)
        try post("/apis/serving.knative.dev/v1/namespaces/team-a/services", #"""
            {"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"web-app"},
             "spec":{"template":{"metadata":{"annotations":{
               "sandbox.gitcanary.dev/success-rate":"97.5","sandbox.gitcanary.dev/latency-ms":"120"}},
              "spec":{"containers":[{"image":"podinfo:1"}]}}}}
            """#)
    }

    @Test("every observer's builtin queries, rendered by the Analysis module for a canary, answer the canary workload's annotated values")
    func everyObserver() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        try Self.canaryWorld(h)
        // The Analysis module queries a Knative canary by the latest created revision.
        let knative = try h.request("GET", "/apis/serving.knative.dev/v1/namespaces/team-a/services/web-app")
        let revision = try #require(knative.json["status", "latestCreatedRevisionName"]?.stringValue)
        #expect(Set(Self.providers.keys) == Set(Observer.allCases))
        for observer in Observer.allCases {
            let provider = try #require(Self.providers[observer])
            let canary = try Self.canary(provider: provider)
            #expect(Observer.forProvider(Observer.metricsProvider(meshProvider: "kubernetes", canary: canary)) == observer)
            let model = MetricTemplateModel(canary: canary, interval: "1m", variables: nil,
                                            route: observer == .knative ? revision : nil)
            let success = try observer.successRateQuery(model)
            let duration = try observer.durationQuery(model)
            let s = try query(h, success)
            #expect(s.0 == 200 && Self.value(s.1) == 97.5, "\(observer): \(success) → \(s.1)")
            let d = try query(h, duration)
            let ms = Self.value(d.1).map { $0 * observer.durationScaleToMilliseconds }
            #expect(d.0 == 200 && ms.map { abs($0 - 120) < 1e-9 } == true, "\(observer): \(duration) → \(d.1)")
        }
        // The annotations drive the answers: the canary turns bad, every observer sees it.
        let bad = #"{"spec":{"template":{"metadata":{"annotations":{"sandbox.gitcanary.dev/success-rate":"80"}}}}}"#
        #expect(try h.request("PATCH", "/apis/apps/v1/namespaces/team-a/deployments/web-app", body: bad,
                              contentType: "application/merge-patch+json").status == 200)
        #expect(try h.request("PATCH", "/apis/serving.knative.dev/v1/namespaces/team-a/services/web-app", body: bad,
                              contentType: "application/merge-patch+json").status == 200)
        let next = try h.request("GET", "/apis/serving.knative.dev/v1/namespaces/team-a/services/web-app")
        let latest = try #require(next.json["status", "latestCreatedRevisionName"]?.stringValue)
        #expect(latest != revision)
        for observer in Observer.allCases {
            let canary = try Self.canary(provider: try #require(Self.providers[observer]))
            let model = MetricTemplateModel(canary: canary, interval: "1m", variables: nil,
                                            route: observer == .knative ? latest : nil)
            let q = try observer.successRateQuery(model)
            #expect(Self.value(try query(h, q).1) == 80, "\(observer): \(q)")
        }
        // A revision that is no longer the latest has no data (its template is gone).
        let old = try Observer.knative.successRateQuery(MetricTemplateModel(
            canary: try Self.canary(provider: "knative"), interval: "1m", variables: nil, route: revision))
        #expect(try query(h, old).1["data", "result"] == [])
    }

    @Test("query API: vector(1), builtin queries (hand-written, incl. nginx's older upstream-latency duration) follow the pod template; no data when not ready; errors name the query")
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

        // Custom ratios follow the status matchers: a 404 percentage is 0 (the Sandbox answers 200 or 500 only),
        // a 5xx percentage is the complement of the success rate.
        #expect(Self.value(try query(h, Self.notFoundPercentage).1) == 0)
        #expect(Self.value(try query(h, Self.errorPercentage).1).map { abs($0 - 2.5) < 1e-9 } == true)

        let notReady = Self.deployment(successRate: "97.5", latency: "120", ready: false)
        #expect(try h.request("PUT", path + "/podinfo", body: notReady).status == 200)
        #expect(try query(h, Self.istioSuccess).1["data", "result"] == [])

        let unknown = try query(h, "sum(rate(foo_total[5m]))")
        #expect(unknown.0 == 400)
        #expect(unknown.1["status"] == "error")
        #expect(unknown.1["errorType"] == "bad_data")
        #expect(unknown.1["error"]?.stringValue?.contains("sum(rate(foo_total[5m]))") == true)
    }

    @Test("a real Prometheus scraping /metrics computes nine observers' builtin queries as the query API answers them",
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
        var checks = [(Self.notFoundPercentage, 0.5), (Self.errorPercentage, 0.5),
                      (Self.linkerdSuccess, 0.5), (Self.linkerdDuration, 1), (Self.contourSuccess, 0.5),
                      (Self.contourDuration, 1), (Self.httpSuccess, 0.5), (Self.httpDuration, 0.001)]
        // The App Mesh, Gloo, Kuma, OSM and Traefik queries as the Analysis module renders them for default/podinfo.
        for observer in [Observer.appmesh, .gloo, .kuma, .osm, .traefik] {
            let json = #"{"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"podinfo","namespace":"default"},"spec":{"provider":"\#(Self.providers[observer] ?? "")","targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"podinfo"},"service":{"port":80}}}"#
            let model = MetricTemplateModel(canary: try Canary(json: JSONParser.parse(json)), interval: "1m", variables: nil)
            checks += [(try observer.successRateQuery(model), 0.5), (try observer.durationQuery(model), 1)]
        }
        for (q, tolerance) in checks {
            let expected = try #require(Self.value(try query(h, q).1))
            let measured = try #require(try promQuery(q), "no answer for \(q)")
            #expect(abs(measured - expected) < tolerance, "\(q): Prometheus \(measured) vs query API \(expected)")
        }
    }
}
