import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Whole releases through the Gateway API router, session affinity through the state machine, and an HPA.
@Suite struct RouterScenarioTests {
    static func httpRouteWeights(_ s: PlannerScenario) -> [Int] {
        let rules = s.cluster.object("HTTPRoute", "podinfo")?["spec", "rules"]?.arrayValue ?? []
        return (rules.last?["backendRefs"]?.arrayValue ?? []).map { Int($0["weight"]?.intValue ?? -1) }
    }

    @Test func gatewayAPIRelease() async {
        let s = PlannerScenario({ c in
            c.spec.service.gatewayRefs = [["name": "gateway", "namespace": "istio-ingress"]]
            c.spec.analysis?.stepWeight = 25
        }, provider: "gatewayapi:v1")
        await s.initialize()
        #expect(Self.httpRouteWeights(s) == [100, 0])
        #expect(s.cluster.object("HTTPRoute", "podinfo")?["apiVersion"] == "gateway.networking.k8s.io/v1")
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        var weights: [[Int]] = []
        for _ in 0..<10 where s.phase != .succeeded {
            await s.run()
            weights.append(Self.httpRouteWeights(s))
        }
        #expect(weights == [[100, 0], [75, 25], [50, 50], [50, 50], [100, 0], [100, 0]])
        #expect(s.phase == .succeeded)
    }

    @Test func sessionAffinityCookiesLiveInStatus() async {
        let s = PlannerScenario { c in
            c.spec.analysis?.sessionAffinity = SessionAffinity(cookieName: "flagger-cookie", maxAge: 600)
            c.spec.analysis?.threshold = 1
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        #expect(s.weight == 10)
        #expect(s.cluster.canary.status?.sessionAffinityCookie == "flagger-cookie=abcdefghij")
        let http = s.cluster.object("VirtualService", "podinfo")?["spec", "http"]?.arrayValue ?? []
        #expect(http.count == 2)
        #expect(http.first?["match"]?.arrayValue?.first?["headers", "Cookie", "regex"] == ".*flagger-cookie.*abcdefghij.*")
        // A rollback moves the cookie to previous and expires it.
        s.probe.script(metric: "request-success-rate", default: .fail)
        await s.run()
        await s.run()
        #expect(s.phase == .failed)
        #expect(s.cluster.canary.status?.sessionAffinityCookie == nil)
        #expect(s.cluster.canary.status?.previousSessionAffinityCookie == "flagger-cookie=abcdefghij")
        let expire = s.cluster.object("VirtualService", "podinfo")?["spec", "http"]?.arrayValue?.first
        #expect(expire?["headers", "response", "add", "Set-Cookie"] == "flagger-cookie=abcdefghij; Max-Age=-1")
    }

    @Test func hpaFollowsPromotionAndScalesFromMinReplicas() async {
        let s = PlannerScenario(hpa: true)
        await s.initialize()
        #expect(s.cluster.object("HorizontalPodAutoscaler", "podinfo-primary")?["spec", "minReplicas"] == 2)
        // The primary keeps the replicas its HPA set.
        var primary = s.cluster.object("Deployment", "podinfo-primary") ?? .null
        primary.set(3, at: ["spec", "replicas"])
        s.cluster.put(primary)
        var hpa = PlannerFixtures.hpa()
        hpa.set(5, at: ["spec", "minReplicas"])
        s.cluster.put(hpa)
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        #expect(s.targetReplicas == 5)
        #expect(s.cluster.object("HorizontalPodAutoscaler", "podinfo-primary")?["spec", "minReplicas"] == 2)
        for _ in 0..<10 where s.phase != .promoting { await s.run() }
        #expect(s.cluster.object("HorizontalPodAutoscaler", "podinfo-primary")?["spec", "minReplicas"] == 2)
        await s.run()
        #expect(s.phase == .finalising)
        #expect(s.cluster.object("HorizontalPodAutoscaler", "podinfo-primary")?["spec", "minReplicas"] == 5)
        #expect(s.cluster.object("Deployment", "podinfo-primary")?["spec", "replicas"] == 3)
    }
}
