import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Provider routers through the state machine on the in-memory cluster: A/B testing with NGINX annotations and
/// App Mesh routes, Blue/Green with SMI (flagger-behaviour.md §2.4, §6.4, §6.5, §6.8).
@Suite struct ProvidersScenarioTests {
    /// The annotations of the canary Ingress as the last plan rendered it (server-side apply drops the keys a
    /// manager stops sending; the in-memory cluster merges metadata, so the plan is the truth here).
    static func annotations(_ s: PlannerScenario) -> [String: String] {
        for plan in s.plans.reversed() {
            for w in plan.writes.reversed() {
                if case .apply(let o) = w.action, Manifest(object: o).kind == "Ingress", Manifest(object: o).name == "podinfo-canary" {
                    return JSONValue.stringMap(o["metadata", "annotations"])
                }
            }
        }
        return [:]
    }

    @Test func nginxABTestingMovesTheHeaderAnnotations() async {
        let s = PlannerScenario({ c in
            ProviderFixtures.configure(&c, provider: "nginx")
            c.spec.analysis?.iterations = 2
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"]]]]
        }, provider: "nginx")
        s.cluster.put(ProviderFixtures.ingress())
        await s.initialize()
        #expect(s.phase == .initialized)
        #expect(Self.annotations(s)["nginx.ingress.kubernetes.io/canary-weight"] == "0")
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        #expect(s.iterations == 1)
        let ab = Self.annotations(s)
        #expect(ab["nginx.ingress.kubernetes.io/canary-by-header"] == "x-canary")
        #expect(ab["nginx.ingress.kubernetes.io/canary-by-header-value"] == "insider")
        #expect(ab["nginx.ingress.kubernetes.io/canary-weight"] == "0")
        for _ in 0..<8 where s.phase != .succeeded { await s.run() }
        #expect(s.phase == .succeeded)
        let done = Self.annotations(s)
        #expect(done["nginx.ingress.kubernetes.io/canary-weight"] == "0")
        #expect(done["nginx.ingress.kubernetes.io/canary-by-header"] == nil)
        // The user's Ingress was never written.
        #expect(s.plans.allSatisfy { p in !p.writes.contains { w in
            if case .apply(let o) = w.action { return Manifest(object: o).kind == "Ingress" && Manifest(object: o).name == "podinfo" }
            return false
        } })
    }

    @Test func appMeshABTestingUsesTwoRoutes() async {
        let s = PlannerScenario({ c in
            c.spec.analysis?.iterations = 2
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"]]]]
        }, provider: "appmesh:v1beta2")
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        let routes = s.cluster.object("VirtualRouter", "podinfo")?["spec", "routes"]?.arrayValue ?? []
        #expect(routes.map { $0["name"]?.stringValue ?? "" } == ["podinfo-a", "podinfo-b"])
        #expect(routes.first?["httpRoute", "match", "headers"] == [["name": "x-canary", "match": ["exact": "insider"]]])
        #expect(routes.first?["httpRoute", "action", "weightedTargets"]?.arrayValue?.first?["weight"] == 100)
        #expect(routes.last?["httpRoute", "action", "weightedTargets"]?.arrayValue?.last?["weight"] == 100)
    }

    @Test func knativeWaitsForTheLatestRevisionAndRollsBackWhenItFails() async {
        var ksvc = ProviderFixtures.knativeService()
        ksvc.set("podinfo-00001", at: ["status", "latestCreatedRevisionName"])
        ksvc.set("podinfo-00001", at: ["status", "latestReadyRevisionName"])
        let c = PlannerFixtures.canary { c in c.spec.provider = "knative"; ProviderFixtures.configure(&c, provider: "knative") }
        let s = PlannerScenario(canary: c, objects: [ksvc])
        await s.run()
        #expect(s.phase == .initialized)
        // A new revision that is not ready yet: the analysis waits.
        var next = s.cluster.object("Service", "podinfo") ?? .null
        next.set("podinfo-00002", at: ["status", "latestCreatedRevisionName"])
        s.cluster.put(next)
        await s.run()
        #expect(s.phase == .progressing)
        let waiting = await s.run()
        #expect(waiting.decision.contains("revision podinfo-00002 is not ready yet"), "\(waiting.decision)")
        // The revision fails: rollback.
        next.set([["type": "ConfigurationsReady", "status": "False", "message": "image pull failed"]], at: ["status", "conditions"])
        s.cluster.put(next)
        let failed = await s.run()
        #expect(s.phase == .failed)
        #expect(failed.decision.contains("revision podinfo-00002 failed: image pull failed"), "\(failed.decision)")
    }

    @Test func aRouterRefusalBlocksInitialization() async {
        // NGINX without its Ingress, and mirroring with a provider that cannot mirror.
        let missing = PlannerScenario({ c in ProviderFixtures.configure(&c, provider: "nginx") }, provider: "nginx")
        let mirror = PlannerScenario({ c in c.spec.analysis?.mirror = true; c.spec.analysis?.iterations = 5 }, provider: "contour")
        for (s, message) in [(missing, "ingress podinfo.default get query error: not found"), (mirror, "traffic mirroring")] {
            for _ in 0..<3 { await s.run() }
            #expect(s.phase == .initializing)
            #expect(s.eventMessages.filter { $0.contains(message) }.count == 2, "\(s.eventMessages)")
        }
        // Once the Ingress exists, initialization completes.
        missing.cluster.put(ProviderFixtures.ingress())
        await missing.run()
        #expect(missing.phase == .initialized)
    }

    @Test func smiBlueGreenSwitchesAllTrafficBeforePromotion() async {
        let s = PlannerScenario({ c in c.spec.analysis?.iterations = 2 }, provider: "linkerd")
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        var splits: [[String]] = []
        for _ in 0..<8 where s.phase != .succeeded {
            await s.run()
            splits.append((s.cluster.object("TrafficSplit", "podinfo")?["spec", "backends"]?.arrayValue ?? [])
                .map { $0["weight"]?.stringValue ?? "?" })
        }
        #expect(s.phase == .succeeded)
        #expect(splits.contains(["100", "0"]))   // canary 100, primary 0 after the iterations
        #expect(splits.last == ["0", "100"])
    }
}
