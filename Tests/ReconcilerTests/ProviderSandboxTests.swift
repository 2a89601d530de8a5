import Foundation
import KubeAPI
import Planner
import Resources
import Sandbox
import Testing
import TestSupport

/// Every provider router through the Planner on a Sandbox that serves the provider's published CRDs: the
/// generated objects are accepted (2xx) and nothing is pruned; initialization creates them at 100/0, one analysis
/// step sets the weights, a rollback and a promotion restore 100/0 (flagger-behaviour.md §6.4–6.9).
@Suite struct ProviderSandboxTests {
    static let crdDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/crds")

    struct Case: Sendable, CustomStringConvertible {
        var provider: String
        var crds: [String]
        /// Kind and name of the object that carries the weights.
        var kind: String
        var name: String
        var description: String { provider }
    }

    static let cases: [Case] = [
        Case(provider: "linkerd", crds: ["smi-trafficsplit-crd-linkerd.yaml"], kind: "TrafficSplit", name: "podinfo"),
        Case(provider: "osm", crds: ["smi-trafficsplit-crd.yaml"], kind: "TrafficSplit", name: "podinfo"),
        Case(provider: "smi:v1alpha3", crds: ["smi-trafficsplit-crd.yaml"], kind: "TrafficSplit", name: "podinfo"),
        Case(provider: "nginx", crds: [], kind: "Ingress", name: "podinfo-canary"),
        Case(provider: "contour", crds: ["contour-httpproxy-crd.yaml"], kind: "HTTPProxy", name: "podinfo"),
        Case(provider: "appmesh:v1beta2", crds: ["appmesh-crds.yaml"], kind: "VirtualRouter", name: "podinfo"),
        // The legacy API: VirtualNodes and a VirtualService `<apex>.<ns>` carrying the weighted routes.
        Case(provider: "appmesh", crds: ["appmesh-v1beta1-crds.yaml"], kind: "VirtualService", name: "podinfo.default"),
        Case(provider: "gloo", crds: ["gloo-crds.yaml"], kind: "RouteTable", name: "podinfo"),
        Case(provider: "traefik", crds: ["traefik-traefikservice-crd.yaml"], kind: "TraefikService", name: "podinfo"),
        Case(provider: "kuma", crds: ["kuma-trafficroute-crd.yaml"], kind: "TrafficRoute", name: "podinfo"),
        Case(provider: "apisix", crds: ["apisix-apisixroute-crd.yaml"], kind: "ApisixRoute", name: "podinfo-podinfo-canary"),
        Case(provider: "skipper", crds: [], kind: "Ingress", name: "podinfo-canary"),
    ]

    /// The routes the stored routing objects carry, read through the router.
    static func routes(_ e: SandboxPlanExecutor) async -> Routes? {
        var stored: [JSONValue] = []
        for ref in e.written {
            if let o = await e.get(ref.apiVersion, ref.kind, ref.name, namespace: ref.namespace.isEmpty ? "default" : ref.namespace) {
                stored.append(o)
            }
        }
        guard let router = RouterFactory.router(for: e.canary.provider(default: "istio")) else { return nil }
        return router.observedRoutes(RouteContext(canary: e.canary, cookies: SessionCookies())) { kind, name in
            stored.first { Manifest(object: $0).kind == kind && Manifest(object: $0).name == name }
        }
    }

    /// smi-sdk-go's published CRD serves only v1alpha4 and keeps v1alpha2/v1alpha3 as unserved schemas; a mesh
    /// that speaks those versions (OSM, `smi:v1alpha3`) installs them served, so the test serves every version.
    static func served(_ crd: JSONValue) -> JSONValue {
        var crd = crd
        let versions = (crd["spec", "versions"]?.arrayValue ?? []).map { v -> JSONValue in
            var v = v
            v["served"] = true
            return v
        }
        crd.set(.array(versions), at: ["spec", "versions"])
        return crd
    }

    @Test(arguments: cases)
    func release(_ c: Case) async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let canary = PlannerFixtures.canary { canary in
            canary.spec.provider = c.provider
            canary.spec.analysis?.threshold = 2
            canary.spec.analysis?.stepWeight = 20
            canary.spec.analysis?.maxWeight = 40
            ProviderFixtures.configure(&canary, provider: c.provider)
            if c.provider == "appmesh" {
                // The legacy router names the mesh on every VirtualNode and VirtualService.
                canary.spec.service.meshName = "global"
            }
        }
        let e = try SandboxPlanExecutor(harness: h, canary: canary)
        for file in ["flagger-canaries-crd.yaml"] + c.crds {
            let text = try String(contentsOf: Self.crdDirectory.appendingPathComponent(file), encoding: .utf8)
            for m in try ManifestDecoder().decode(yaml: text, file: file) { try await e.put(Self.served(m.object)) }
        }
        for o in [PlannerFixtures.podinfo()] + PlannerFixtures.configs() + ProviderFixtures.objects(for: c.provider) {
            try await e.put(o)
        }
        // The Canary exists on the server, so the objects it owns are not garbage-collected.
        try await e.put(["apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                         "metadata": ["name": "podinfo", "namespace": "default"],
                         "spec": ["targetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"],
                                  "service": ["port": 9898], "analysis": ["interval": "1m", "threshold": 2]]])
        e.canary.metadata.uid = await e.get("flagger.app/v1beta1", "Canary", "podinfo")?["metadata", "uid"]?.stringValue
        #expect(e.canary.metadata.uid != nil)

        // Initialization: the routing objects at 100/0, accepted and stored unpruned.
        for _ in 0..<5 where e.canary.status?.phase != .initialized { await e.run() }
        #expect(e.canary.status?.phase == .initialized, "\(e.plans.map(\.decision)) \(e.plans.last?.events.map(\.message) ?? []) \(e.failures)")
        #expect(e.failures.isEmpty, "\(e.failures)")
        #expect(e.pruned.isEmpty, "\(e.pruned)")
        #expect(await e.get(Manifest(object: PlannerFixtures.podinfo()).apiVersion, "Deployment", "podinfo-primary") != nil)
        #expect(e.written.contains { $0.kind == c.kind && $0.name == c.name })
        #expect(await Self.routes(e) == Routes(primary: 100, canary: 0))

        // A new revision: one analysis step sets the weights.
        try await e.put(PlannerFixtures.podinfo(image: "podinfo:6.0.1"))
        await e.run()
        #expect(e.canary.status?.phase == .progressing)
        await e.run()
        #expect(e.canary.status?.canaryWeight == 20)
        #expect(await Self.routes(e) == Routes(primary: 80, canary: 20))

        // Failing checks roll back to 100/0.
        e.probe.script(metric: "request-success-rate", default: .fail)
        for _ in 0..<4 where e.canary.status?.phase != .failed { await e.run() }
        #expect(e.canary.status?.phase == .failed)
        #expect(await Self.routes(e) == Routes(primary: 100, canary: 0))

        // The next revision passes and is promoted; the routes end at 100/0 on the new primary.
        e.probe.script(metric: "request-success-rate", default: .pass)
        try await e.put(PlannerFixtures.podinfo(image: "podinfo:6.0.2"))
        var weights: [Int] = []
        for _ in 0..<12 where e.canary.status?.phase != .succeeded {
            await e.run()
            weights.append(await Self.routes(e)?.canary ?? -1)
        }
        #expect(e.canary.status?.phase == .succeeded)
        #expect(weights.contains(40))
        #expect(await Self.routes(e) == Routes(primary: 100, canary: 0))
        let primary = await e.get("apps/v1", "Deployment", "podinfo-primary")
        #expect(primary?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "podinfo:6.0.2")
        #expect(e.failures.isEmpty, "\(e.failures)")
        #expect(e.pruned.isEmpty, "\(e.pruned)")
    }
}
