import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// The observed event and hook sequences of flagger-behaviour.md §3.5.
@Suite struct EventSequenceTests {
    static func allHooks(_ c: inout Canary) {
        c.spec.analysis?.stepWeight = 100
        c.spec.analysis?.maxWeight = nil
        c.spec.analysis?.stepWeightPromotion = 50
        c.spec.analysis?.webhooks = [
            PlannerFixtures.hook("confirm-rollout-webhook", "confirm-rollout"),
            PlannerFixtures.hook("pre-rollout-webhook", "pre-rollout"),
            PlannerFixtures.hook("rollout-webhook", nil),
            PlannerFixtures.hook("confirm-traffic-increase-webhook", "confirm-traffic-increase"),
            PlannerFixtures.hook("confirm-promotion-webhook", "confirm-promotion"),
            PlannerFixtures.hook("post-rollout-webhook", "post-rollout"),
            PlannerFixtures.hook("event-webhook", "event"),
        ]
    }

    @Test func canaryEventSequence() async {
        let s = PlannerScenario(Self.allHooks)
        await s.initialize()
        #expect(s.eventMessages == [
            "all the metrics providers are available!",
            "podinfo-primary.default not ready: waiting for rollout to finish: 0 out of 1 new replicas have been updated",
            "all the metrics providers are available!",
            "Initialization done! podinfo.default",
        ])
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let before = s.plans.count
        for _ in 0..<8 where s.phase != .succeeded { await s.run() }
        let events = s.plans[before...].flatMap(\.events)
        #expect(events.map(\.message) == [
            "Confirm-rollout check confirm-rollout-webhook passed",
            "New revision detected! Scaling up podinfo.default",
            "Starting canary analysis for podinfo.default",
            "Pre-rollout check pre-rollout-webhook passed",
            "Confirm-traffic-increase check confirm-traffic-increase-webhook passed",
            "Advance podinfo.default canary weight 100",
            "Confirm-traffic-increase check confirm-traffic-increase-webhook passed",
            "Confirm-promotion check confirm-promotion-webhook passed",
            "Copying podinfo.default template spec to podinfo-primary.default",
            "Advance podinfo.default primary weight 50",
            "Advance podinfo.default primary weight 100",
            "Post-rollout check post-rollout-webhook passed",
            "Promotion completed! Scaling down podinfo.default",
        ])
        #expect(events.map(\.payloadPhase) == [
            .initialized, .progressing, .progressing, .progressing, .progressing, .progressing, .progressing,
            .progressing, .progressing, .promoting, .promoting, .succeeded, .succeeded,
        ])
        #expect(s.probe.hookCalls == [
            "confirm-rollout:confirm-rollout-webhook@Initialized",
            "pre-rollout:pre-rollout-webhook@Progressing",
            "confirm-traffic-increase:confirm-traffic-increase-webhook@Progressing",
            "rollout:rollout-webhook@Progressing",
            "confirm-traffic-increase:confirm-traffic-increase-webhook@Progressing",
            "confirm-promotion:confirm-promotion-webhook@Progressing",
            "post-rollout:post-rollout-webhook@Succeeded",
        ])
        // Event hooks are deferred, one per event, with Flagger's metadata and the payload phase.
        let deferred = s.plans[before...].flatMap(\.deferredCalls)
        #expect(deferred.count == events.count)
        #expect(deferred.map { $0.metadata["eventMessage"] ?? "" } == events.map(\.message))
        #expect(deferred.allSatisfy { $0.webhook.name == "event-webhook" && $0.metadata["eventType"] == "Normal" })
        #expect(deferred.map(\.phase) == events.map(\.payloadPhase))
        // Every event carries the revision annotation.
        #expect(events.allSatisfy { $0.annotations["gitcanary.dev/revision"] == PlannerFixtures.commitA })
    }

    @Test func skipAnalysisEventSequence() async {
        let s = PlannerScenario { c in
            Self.allHooks(&c)
            c.spec.skipAnalysis = true
        }
        await s.initialize()
        #expect(s.eventMessages == ["Initialization done! podinfo.default"])
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        s.probe.resetCalls()
        let before = s.plans.count
        await s.run()
        await s.run()
        #expect(s.phase == .succeeded)
        let events = s.plans[before...].flatMap(\.events)
        #expect(events.map(\.message) == [
            "Confirm-rollout check confirm-rollout-webhook passed",
            "New revision detected! Scaling up podinfo.default",
            "Copying podinfo.default template spec to podinfo-primary.default",
            "Post-rollout check post-rollout-webhook passed",
            "Promotion completed! Canary analysis was skipped for podinfo.default",
        ])
        #expect(events.map(\.payloadPhase) == [.initialized, .progressing, .progressing, .succeeded, .succeeded])
        #expect(s.plans.last?.alerts.map(\.message) == ["Canary analysis was skipped, promotion finished."])
        #expect(s.cluster.object("Deployment", "podinfo-primary")?["spec", "template", "spec", "containers"]?
            .arrayValue?.first?["image"] == "podinfo:6.0.1")
    }

    @Test func hookPayloadCarriesChecksumAndMetadata() async {
        let s = PlannerScenario { c in
            var hook = PlannerFixtures.hook("load", nil)
            hook.metadata = ["cmd": "hey -z 1m http://podinfo-canary:9898/"]
            c.spec.analysis?.webhooks = [hook]
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        for _ in 0..<3 { await s.run() }
        let first = s.probe.calls.first { $0.name == "load" }
        #expect(first?.metadata == ["cmd": "hey -z 1m http://podinfo-canary:9898/"])
        #expect(first?.phase == .progressing)
        #expect((first?.checksum ?? "").isEmpty == false)
        // A new revision changes lastAppliedSpec, hence the checksum.
        s.cluster.setImage("podinfo", "podinfo:6.0.2")
        for _ in 0..<3 { await s.run() }
        let checksums = Set(s.probe.calls.filter { $0.name == "load" }.compactMap(\.checksum))
        #expect(checksums.count == 2)
    }
}
