import Testing
@testable import Resources

/// The derived helpers against flagger-behaviour.md §1.10 (and §1.3–§1.7 defaults).
@Suite struct CanaryDerivedTests {
    static func canary(_ analysis: CanaryAnalysis?, service: CanaryService = CanaryService(port: 80)) -> Canary {
        Canary(
            metadata: ObjectMeta(name: "podinfo", namespace: "test"),
            spec: CanarySpec(targetRef: LocalObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: "podinfo"),
                service: service, analysis: analysis))
    }

    static func analysis(_ configure: (inout CanaryAnalysis) -> Void) -> CanaryAnalysis {
        var a = CanaryAnalysis(interval: "1m", threshold: 5)
        configure(&a)
        return a
    }

    @Test func names() {
        let plain = CanaryDerivedTests.canary(nil)
        #expect(plain.apexName == "podinfo")
        #expect(plain.primaryServiceName == "podinfo-primary")
        #expect(plain.canaryServiceName == "podinfo-canary")
        #expect(plain.primaryName == "podinfo-primary")
        let named = CanaryDerivedTests.canary(nil, service: CanaryService(port: 80, name: "frontend"))
        #expect(named.apexName == "frontend")
        #expect(named.primaryServiceName == "frontend-primary")
        #expect(named.canaryServiceName == "frontend-canary")
        #expect(named.primaryName == "podinfo-primary", "workload names use targetRef.name")
        #expect(CanaryDerivedTests.canary(nil, service: CanaryService(port: 80, name: "")).apexName == "podinfo")
    }

    @Test func strategy() {
        #expect(CanaryDerivedTests.canary(nil).strategy == .canary)
        #expect(CanaryDerivedTests.canary(CanaryDerivedTests.analysis { $0.stepWeight = 10 }).strategy == .canary)
        #expect(CanaryDerivedTests.canary(CanaryDerivedTests.analysis { $0.iterations = 10 }).strategy == .blueGreen)
        #expect(CanaryDerivedTests.canary(CanaryDerivedTests.analysis { $0.iterations = 0; $0.match = [["headers": [:]]] }).strategy == .canary)
        #expect(CanaryDerivedTests.canary(CanaryDerivedTests.analysis { $0.iterations = 10; $0.match = [] }).strategy == .blueGreen)
        #expect(CanaryDerivedTests.canary(CanaryDerivedTests.analysis { $0.iterations = 10; $0.match = [["headers": [:]]] }).strategy == .abTesting)
    }

    @Test(arguments: [
        ("", 60.0), ("bogus", 60), ("5s", 10), ("0s", 10), ("-1m", 10), ("10s", 10), ("30s", 30), ("1m30s", 90), ("2h", 7200),
    ])
    func interval(_ text: String, _ seconds: Double) {
        #expect(CanaryDerivedTests.canary(CanaryAnalysis(interval: text, threshold: 1)).intervalSeconds == seconds)
    }

    @Test func intervalWithoutAnalysis() {
        #expect(CanaryDerivedTests.canary(nil).intervalSeconds == 60)
        #expect(CanaryDerivedTests.canary(CanaryAnalysis(interval: nil)).intervalSeconds == 60)
    }

    @Test func threshold() {
        #expect(CanaryDerivedTests.canary(nil).effectiveThreshold == 1)
        #expect(CanaryDerivedTests.canary(CanaryAnalysis(threshold: 0)).effectiveThreshold == 1)
        #expect(CanaryDerivedTests.canary(CanaryAnalysis(threshold: -3)).effectiveThreshold == 1)
        #expect(CanaryDerivedTests.canary(CanaryAnalysis(threshold: 7)).effectiveThreshold == 7)
    }

    @Test func maxWeight() {
        let c = CanaryDerivedTests.canary
        let a = CanaryDerivedTests.analysis
        #expect(c(nil, CanaryService(port: 80)).maxWeight == 100)
        #expect(c(a { $0.maxWeight = 50 }, CanaryService(port: 80)).maxWeight == 50)
        #expect(c(a { $0.maxWeight = 0 }, CanaryService(port: 80)).maxWeight == 100)
        #expect(c(a { $0.maxWeight = -5 }, CanaryService(port: 80)).maxWeight == 100)
        #expect(c(a { $0.stepWeights = [5, 10, 80]; $0.maxWeight = 50 }, CanaryService(port: 80)).maxWeight == 80)
        #expect(c(a { $0.stepWeights = [20, 150] }, CanaryService(port: 80)).maxWeight == 100)
        #expect(c(a { $0.stepWeights = []; $0.maxWeight = 30 }, CanaryService(port: 80)).maxWeight == 30)
        #expect(c(a { $0.stepWeights = [10, 40]; $0.stepWeight = 5 }, CanaryService(port: 80)).maxWeight == 40, "even with stepWeight")
    }

    @Test func nextStepWeight() {
        let c = CanaryDerivedTests.canary
        let a = CanaryDerivedTests.analysis
        // 1. stepWeight > 0 or no ladder: stepWeight (possibly 0).
        #expect(c(a { $0.stepWeight = 10 }, CanaryService(port: 80)).nextStepWeight(from: 30) == 10)
        #expect(c(a { $0.stepWeight = 10; $0.stepWeights = [1, 2] }, CanaryService(port: 80)).nextStepWeight(from: 1) == 10)
        #expect(c(a { _ in }, CanaryService(port: 80)).nextStepWeight(from: 0) == 0)
        let ladder = c(a { $0.stepWeights = [5, 10, 25, 50] }, CanaryService(port: 80))
        // 2. room == 0 → 1.
        #expect(ladder.nextStepWeight(from: 100) == 1)
        // 3. current == 0 → min(room, first step).
        #expect(ladder.nextStepWeight(from: 0) == 5)
        // 4. on the ladder → min(room, next − current).
        #expect(ladder.nextStepWeight(from: 5) == 5)
        #expect(ladder.nextStepWeight(from: 10) == 15)
        #expect(ladder.nextStepWeight(from: 25) == 25)
        // 5. off the ladder (or on its last rung) → room.
        #expect(ladder.nextStepWeight(from: 50) == 50)
        #expect(ladder.nextStepWeight(from: 7) == 93)
        let overshoot = c(a { $0.stepWeights = [60, 120] }, CanaryService(port: 80))
        #expect(overshoot.nextStepWeight(from: 60) == 40, "capped by the room left")
        #expect(c(a { $0.stepWeights = [150] }, CanaryService(port: 80)).nextStepWeight(from: 0) == 100)
    }

    @Test func defaults() {
        let bare = CanaryDerivedTests.canary(CanaryAnalysis(interval: "1m", threshold: 1))
        #expect(bare.primaryReadyThreshold == 100)
        #expect(bare.canaryReadyThreshold == 100)
        #expect(bare.progressDeadlineSeconds == 600)
        #expect(bare.iterations == 0)
        #expect(bare.stepWeightPromotion == 0)
        #expect(!bare.skipsAnalysis)
        #expect(CanaryDerivedTests.canary(nil).skipsAnalysis, "no analysis means skip")
        #expect(bare.servicePort == 80)
        #expect(bare.servicePortName == "http")
        #expect(bare.serviceTargetPort == .int(80))
        var custom = CanaryDerivedTests.canary(CanaryDerivedTests.analysis { $0.primaryReadyThreshold = 50; $0.canaryReadyThreshold = 0 })
        custom.spec.progressDeadlineSeconds = 60
        custom.spec.skipAnalysis = true
        #expect(custom.primaryReadyThreshold == 50)
        #expect(custom.canaryReadyThreshold == 0)
        #expect(custom.progressDeadlineSeconds == 60)
        #expect(custom.skipsAnalysis)
    }

    @Test func legacyCanaryAnalysisIsUsedOnlyWithoutAnalysis() {
        var c = CanaryDerivedTests.canary(nil)
        c.spec.canaryAnalysis = CanaryAnalysis(interval: "30s", threshold: 3)
        #expect(c.intervalSeconds == 30)
        c.spec.analysis = CanaryAnalysis(interval: "20s", threshold: 2)
        #expect(c.intervalSeconds == 20)
        #expect(c.effectiveThreshold == 2)
    }

    @Test func webhookTypesAndTimeouts() {
        #expect(WebhookType(field: nil) == .rollout)
        #expect(WebhookType(field: "") == .rollout)
        #expect(WebhookType(field: "confirm-traffic-increase") == .confirmTrafficIncrease)
        #expect(WebhookType(field: "pre-flight") == nil)
        #expect(WebhookType.allCases.count == 8)
        var hook = CanaryWebhook(name: "h", url: "http://x/")
        #expect(hook.timeoutSeconds == 10)
        hook.timeout = "5"
        #expect(hook.timeoutSeconds == 10, "fewer than 2 characters")
        hook.timeout = "30s"
        #expect(hook.timeoutSeconds == 30)
        hook.timeout = "1m"
        #expect(hook.timeoutSeconds == 60)
        var c = CanaryDerivedTests.canary(CanaryDerivedTests.analysis { a in
            a.webhooks = [CanaryWebhook(name: "a", url: "u"), CanaryWebhook(name: "b", url: "u", type: "pre-rollout"),
                CanaryWebhook(name: "c", url: "u", type: "rollout")]
        })
        #expect(c.webhooks(.rollout).map(\.name) == ["a", "c"])
        #expect(c.webhooks(.preRollout).map(\.name) == ["b"])
        c.spec.analysis = nil
        #expect(c.webhooks(.rollout).isEmpty)
    }

    @Test func metricBoundsAndSessionAffinity() {
        var m = CanaryMetric(name: "request-success-rate")
        m.threshold = 99
        #expect(m.bounds == ThresholdRange(min: 99))
        #expect(m.isBuiltin)
        #expect(m.effectiveInterval == "1m")
        m.name = "request-duration"
        #expect(m.bounds == ThresholdRange(max: 99))
        m.thresholdRange = ThresholdRange(min: 1, max: 2)
        #expect(m.bounds == ThresholdRange(min: 1, max: 2))
        m.templateRef = NamespacedName(name: "latency")
        #expect(!m.isBuiltin)
        let affinity = try? JSONCoding.decode(SessionAffinity.self, from: ["cookieName": "c", "maxAge": 0])
        #expect(affinity?.effectiveMaxAge == 86400)
        let set = try? JSONCoding.decode(SessionAffinity.self, from: ["cookieName": "c", "maxAge": 60])
        #expect(set?.effectiveMaxAge == 60)
    }
}
