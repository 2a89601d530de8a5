import Analysis
import Resources
import Testing

@Suite("Builtin observer queries")
struct ObserverTests {
    let model = MetricTemplateModel(
        name: "podinfo", namespace: "test", target: "podinfo", service: "podinfo", ingress: "podinfo",
        route: "podinfo", interval: "1m")

    @Test(
        "the observer is chosen as Flagger chooses it",
        arguments: [
            ("istio", nil, "Deployment", "istio", Observer.istio),
            ("istio", "linkerd", "Deployment", "linkerd", .linkerd),
            ("linkerd", "istio", "Deployment", "linkerd", .linkerd),
            ("istio", "appmesh:v1beta2", "Deployment", "appmesh:v1beta2", .appmesh),
            ("istio", "gloo", "Deployment", "gloo", .gloo),
            ("istio", "gatewayapi:v1", "Deployment", "gatewayapi:v1", .http),
            ("istio", "kubernetes", "Deployment", "kubernetes", .http),
            ("istio", "nginx", "Deployment", "nginx", .nginx),
            ("istio", "skipper", "Deployment", "skipper", .skipper),
            ("istio", "traefik", "Deployment", "traefik", .traefik),
            ("istio", "osm", "Deployment", "osm", .osm),
            ("istio", "kuma", "Deployment", "kuma", .kuma),
            ("istio", "apisix", "Deployment", "apisix", .apisix),
            ("istio", "contour", "Deployment", "contour", .contour),
            ("istio", "knative", "Deployment", "knative", .knative),
            ("istio", "smi:v1alpha3", "Deployment", "smi:v1alpha3", .istio),
            ("istio", "nginx", "Service", "nginx:service", .istio),
            ("crossover", nil, "Deployment", "crossover", .istio),
        ] as [(String, String?, String, String, Observer)])
    func selection(mesh: String, provider: String?, kind: String, expected: String, observer: Observer) {
        var canary = Fixture.canary(provider: provider)
        canary.spec.targetRef.kind = kind
        let p = Observer.metricsProvider(meshProvider: mesh, canary: canary)
        #expect(p == expected)
        #expect(Observer.forProvider(p) == observer)
    }

    @Test("Istio's queries are Flagger's, rendered and folded")
    func istioText() throws {
        #expect(
            try Observer.istio.successRateQuery(model)
                == #"sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="test", destination_workload=~"podinfo", response_code!~"5.*" }[1m] ) ) / sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="test", destination_workload=~"podinfo" }[1m] ) ) * 100"#)
        #expect(
            try Observer.istio.durationQuery(model)
                == #"histogram_quantile( 0.99, sum( rate( istio_request_duration_milliseconds_bucket{ reporter="destination", destination_workload_namespace="test", destination_workload=~"podinfo" }[1m] ) ) by (le) )"#)
    }

    @Test("every observer renders both queries with no placeholders left", arguments: Observer.allCases)
    func everyObserverRenders(observer: Observer) throws {
        for q in [try observer.successRateQuery(model), try observer.durationQuery(model)] {
            #expect(!q.contains("{{"))
            #expect(q.contains("[1m]"))
            #expect(q == QueryTemplate.foldWhitespace(q))
        }
        #expect(try observer.successRateQuery(model).hasSuffix("* 100"))
    }

    @Test("skipper routes encode non-word characters; nginx and skipper durations are means in ms")
    func skipperAndNginx() throws {
        var m = model
        m.namespace = "my-ns"
        m.ingress = "web.ing"
        let q = try Observer.skipper.successRateQuery(m)
        #expect(q.contains(#"route=~"kube(ew)?_my_ns__web_ing_canary__.*__podinfo_canary(_[0-9]+)?""#))
        #expect(try Observer.nginx.durationQuery(model).hasSuffix("* 1000"))
        #expect(try Observer.nginx.successRateQuery(model).contains(#"canary!="""#))
        #expect(Observer.http.durationScaleToMilliseconds == 1000)
        #expect(Observer.istio.durationScaleToMilliseconds == 1)
    }
}
