import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Generated routing objects of every provider router (flagger-behaviour.md §6.4–6.9), compared with golden files
/// under `Golden/<provider>/` and validated against the provider's published CRD schema.
@Suite struct ProvidersGoldenTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var provider: String
        var routes: Routes
        var settings = PlannerSettings()
        var configure: @Sendable (inout Canary) -> Void = { _ in }
        var description: String { name }
    }

    static let abMatch: [JSONValue] = [["headers": ["x-canary": ["exact": "insider"]]]]

    static let cases: [Case] = [
        Case(name: "smi/linkerd", provider: "linkerd", routes: Routes(primary: 90, canary: 10)),
        Case(name: "smi/osm", provider: "osm", routes: Routes(primary: 70, canary: 30)),
        Case(name: "smi/v1alpha3-istio", provider: "smi:v1alpha3:istio", routes: Routes(primary: 50, canary: 50)) { c in
            c.spec.service.gateways = ["public-gateway"]
            c.spec.service.hosts = ["podinfo.example.com"]
        },
        Case(name: "smi/v1alpha2-bluegreen", provider: "smi:v1alpha2", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.analysis?.iterations = 5
        },
        Case(name: "nginx/canary", provider: "nginx", routes: Routes(primary: 80, canary: 20)),
        Case(name: "nginx/initial", provider: "nginx", routes: Routes(primary: 100, canary: 0)),
        Case(name: "nginx/ab-testing", provider: "nginx", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-canary": ["regex": ".*insider.*"]]], ["headers": ["cookie": ["exact": "canary"]]]]
        },
        Case(name: "nginx/custom-prefix", provider: "nginx", routes: Routes(primary: 60, canary: 40),
             settings: PlannerSettings(ingressAnnotationsPrefix: "custom.ingress.kubernetes.io")),
        Case(name: "contour/canary", provider: "contour", routes: Routes(primary: 90, canary: 10),
             settings: PlannerSettings(ingressClass: "contour")) { c in
            c.spec.service.timeout = "15s"
            c.spec.service.retries = ["attempts": 3, "perTryTimeout": "5s", "retryOn": "5xx, gateway-error"]
            c.spec.service.match = [["uri": ["prefix": "/api"]]]
        },
        Case(name: "contour/ab-testing", provider: "contour", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"], "user-agent": ["prefix": "Firefox"]]]]
        },
        Case(name: "appmesh/v1beta2-canary", provider: "appmesh:v1beta2", routes: Routes(primary: 90, canary: 10)) { c in
            c.spec.service.hosts = ["podinfo.example.com"]
            c.spec.service.timeout = "15s"
            c.spec.service.retries = ["attempts": 3, "perTryTimeout": "5s", "retryOn": "gateway-error,connection-error"]
            c.spec.service.backends = ["backend1", "backend2.other", "arn:aws:appmesh:eu-west-1:12345:mesh/global/virtualService/b3"]
        },
        Case(name: "appmesh/v1beta2-ab-testing", provider: "appmesh:v1beta2", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"]]], ["headers": ["user-agent": ["regex": ".*Firefox.*"]]]]
        },
        Case(name: "appmesh/legacy", provider: "appmesh", routes: Routes(primary: 80, canary: 20)) { c in
            c.spec.service.meshName = "global"
            c.spec.service.backends = ["backend.default"]
        },
        Case(name: "gloo/canary", provider: "gloo", routes: Routes(primary: 90, canary: 10)),
        Case(name: "gloo/ab-testing", provider: "gloo", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"], "user-agent": ["regex": ".*Firefox.*"]],
                                       "method": ["exact": "GET"]]]
        },
        Case(name: "traefik/canary", provider: "traefik", routes: Routes(primary: 70, canary: 30)),
        Case(name: "traefik/initial", provider: "traefik", routes: Routes(primary: 100, canary: 0)),
        Case(name: "kuma/canary", provider: "kuma", routes: Routes(primary: 60, canary: 40)),
        Case(name: "apisix/canary", provider: "apisix", routes: Routes(primary: 90, canary: 10)),
        Case(name: "skipper/canary", provider: "skipper", routes: Routes(primary: 90, canary: 10)),
        Case(name: "skipper/initial", provider: "skipper", routes: Routes(primary: 100, canary: 0)),
        Case(name: "knative/canary", provider: "knative", routes: Routes(primary: 70, canary: 30)),
    ]

    static func context(_ c: Case) -> RouteContext {
        let canary = PlannerFixtures.canary { canary in
            canary.spec.provider = c.provider
            ProviderFixtures.configure(&canary, provider: c.provider)
            c.configure(&canary)
        }
        var observed: [ObjectRef: JSONValue] = [:]
        for o in ProviderFixtures.objects(for: c.provider) + [PlannerFixtures.podinfo()] { observed[Manifest(object: o).ref] = o }
        return RouteContext(canary: canary, cookies: SessionCookies(), settings: c.settings, observed: observed)
    }

    @Test(arguments: cases)
    func routerObjects(_ c: Case) throws {
        let ctx = Self.context(c)
        let router = try #require(RouterFactory.router(for: c.provider))
        let objects = try router.desiredObjects(ctx, routes: c.routes).get()
        GoldenFile.check(objects, c.name)
        #expect(objects.contains(where: GoldenFile.hasSchema) || c.name.hasPrefix("nginx") || c.name.hasPrefix("skipper")
                || c.name == "appmesh/legacy" || c.name.hasPrefix("smi/linkerd"))
        GoldenFile.validate(objects)
        let back = router.observedRoutes(ctx) { kind, name in
            objects.first { Manifest(object: $0).kind == kind && Manifest(object: $0).name == name }
        }
        #expect(back == c.routes)
    }

    @Test(arguments: ["linkerd", "osm", "nginx", "contour", "appmesh:v1beta2", "gloo", "traefik", "kuma", "apisix", "skipper", "knative"])
    func mirroringIsRefusedWithAReason(_ provider: String) throws {
        var c = Case(name: "mirror", provider: provider, routes: Routes(primary: 100, canary: 0, mirrored: true))
        c.configure = { $0.spec.analysis?.mirror = true }
        let router = try #require(RouterFactory.router(for: provider))
        guard case .failure(let block) = router.desiredObjects(Self.context(c), routes: c.routes) else {
            Issue.record("\(provider) accepted mirroring")
            return
        }
        #expect(block.message.contains("mirroring"))
    }

    @Test(arguments: ["linkerd", "traefik", "kuma", "apisix", "skipper", "knative"])
    func abTestingIsRefusedWhereUnsupported(_ provider: String) throws {
        var c = Case(name: "ab", provider: provider, routes: Routes(primary: 0, canary: 100))
        c.configure = { $0.spec.analysis?.iterations = 5; $0.spec.analysis?.match = Self.abMatch }
        let router = try #require(RouterFactory.router(for: provider))
        guard case .failure(let block) = router.desiredObjects(Self.context(c), routes: c.routes) else {
            Issue.record("\(provider) accepted A/B testing")
            return
        }
        #expect(block.message.contains("A/B testing"))
    }

    @Test func nginxNeedsAnIngressThatRoutesToTheApex() throws {
        let router = try #require(RouterFactory.router(for: "nginx"))
        var c = Case(name: "x", provider: "nginx", routes: Routes(primary: 100, canary: 0))
        var ctx = Self.context(c)
        ctx.observed = [:]
        guard case .failure(let missing) = router.desiredObjects(ctx, routes: c.routes) else { Issue.record("no error"); return }
        #expect(missing.message.contains("ingress podinfo.default get query error: not found"))
        var other = ProviderFixtures.ingress()
        other.set(["rules": [["http": ["paths": [["path": "/", "pathType": "Prefix",
                                                  "backend": ["service": ["name": "other", "port": ["number": 80]]]]]]]]],
                  at: ["spec"])
        ctx.observed = [Manifest(object: other).ref: other]
        guard case .failure(let wrong) = router.desiredObjects(ctx, routes: c.routes) else { Issue.record("no error"); return }
        #expect(wrong.message.contains("no path backend points to the apex service podinfo"))
        c.configure = { $0.spec.ingressRef = nil }
        guard case .failure(let noRef) = router.desiredObjects(Self.context(c), routes: c.routes) else { Issue.record("no error"); return }
        #expect(noRef.message.contains("spec.ingressRef"))
    }

    @Test func weightsZeroZeroAreRefused() throws {
        for provider in ["contour", "gloo"] {
            let router = try #require(RouterFactory.router(for: provider))
            let c = Case(name: "x", provider: provider, routes: Routes(primary: 0, canary: 0))
            if case .success = router.desiredObjects(Self.context(c), routes: c.routes) { Issue.record("\(provider) accepted 0/0") }
        }
    }

    @Test func providerStringsChooseTheirRouter() {
        #expect(RouterFactory.router(for: "smi") != nil)   // bare smi falls through to Istio (§6)
        #expect(RouterFactory.router(for: "smi:v1alpha9") == nil)   // an unknown SMI version: "not supported"
        for p in ["linkerd", "osm", "smi:v1alpha1", "smi:v1alpha2:osm", "nginx", "contour", "appmesh", "appmesh:v1beta2",
                  "gloo", "gloo:v1", "traefik", "kuma", "apisix", "skipper", "knative"] {
            #expect(RouterFactory.router(for: p) != nil, "\(p)")
        }
    }

    @Test func knativeValidation() async {
        // §9 item 50: knative provider with a Deployment, a Knative Service with istio or with an autoscalerRef.
        let cases: [(String, @Sendable (inout Canary) -> Void, String)] = [
            ("knative", { _ in }, "the knative provider needs a Knative Service target"),
            ("istio", { ProviderFixtures.configure(&$0, provider: "knative") }, "needs provider: knative"),
            ("knative", { c in
                ProviderFixtures.configure(&c, provider: "knative")
                c.spec.autoscalerRef = AutoscalerReference(apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: "podinfo")
            }, "cannot have an autoscalerRef"),
        ]
        for (provider, configure, message) in cases {
            let s = PlannerScenario({ c in configure(&c) }, provider: provider)
            s.cluster.put(ProviderFixtures.knativeService())
            await s.run()
            #expect(s.eventMessages.contains { $0.contains(message) }, "\(s.eventMessages)")
        }
    }

    @Test func appMeshObjectsPrecedeThePrimary() async throws {
        let s = PlannerScenario(provider: "appmesh:v1beta2")
        let plan = await s.run()
        let names = plan.writes.compactMap { w -> String? in
            guard case .apply(let o) = w.action else { return nil }
            return "\(Manifest(object: o).kind)/\(Manifest(object: o).name)"
        }
        let node = try #require(names.firstIndex(of: "VirtualNode/podinfo-primary"))
        let primary = try #require(names.firstIndex(of: "Deployment/podinfo-primary"))
        #expect(node < primary)
        // With Istio the routes come last, after the primary is ready.
        let istio = PlannerScenario(provider: "istio")
        let first = await istio.run()
        #expect(!first.writes.contains { w in
            if case .apply(let o) = w.action { return Manifest(object: o).kind == "VirtualService" }
            return false
        })
    }

    @Test func knativeFinalizeHandsTrafficToTheLatestRevision() throws {
        let c = Case(name: "x", provider: "knative", routes: Routes(primary: 100, canary: 0))
        let ctx = Self.context(c)
        let router = try #require(RouterFactory.router(for: "knative"))
        let writes = router.finalize(ctx) { kind, name in ctx.object(kind: kind, name: name) }
        guard case .patch(let ref, let patch)? = writes.first?.action else {
            Issue.record("no patch: \(writes)")
            return
        }
        #expect(ref.apiVersion == "serving.knative.dev/v1" && ref.name == "podinfo")
        #expect(patch["metadata", "annotations", "flagger.app/primary-revision"] == .null)
        #expect(patch["spec", "traffic"] == [["latestRevision": true, "percent": 100]])
    }

    @Test func skipperPutsItsPredicateFirst() throws {
        var ingress = ProviderFixtures.ingress(annotations: ["zalando.org/skipper-predicate": "Host(/^app/) && False()"])
        ingress.set("podinfo", at: ["metadata", "name"])
        var ctx = Self.context(Case(name: "x", provider: "skipper", routes: Routes(primary: 90, canary: 10)))
        ctx.observed = [Manifest(object: ingress).ref: ingress]
        let router = try #require(RouterFactory.router(for: "skipper"))
        let objects = try router.desiredObjects(ctx, routes: Routes(primary: 90, canary: 10)).get()
        #expect(objects.first?["metadata", "annotations", "zalando.org/skipper-predicate"] == "Weight(100) && Host(/^app/)")
    }

    @Test func dependenciesNameTheUserObjects() {
        let nginx = PlannerFixtures.canary { c in c.spec.provider = "nginx"; ProviderFixtures.configure(&c, provider: "nginx") }
        let refs = PlanDependencies.refs(of: nginx, target: nil)
        #expect(refs.contains { $0.kind == "Ingress" && $0.name == "podinfo" })
        #expect(refs.contains { $0.kind == "Ingress" && $0.name == "podinfo-canary" })
        let gloo = PlannerFixtures.canary { c in c.spec.provider = "gloo"; ProviderFixtures.configure(&c, provider: "gloo") }
        #expect(PlanDependencies.refs(of: gloo, target: nil).contains { $0.kind == "Upstream" && $0.name == "podinfo-template" })
    }
}
