import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// What a batch engine adds to Flagger: interval gating, deadlines, failed-revision memory, persisted gates,
/// onNoData, the bounded check record, adoption and drift correction.
@Suite struct BatchTests {
    static func progressing(_ configure: (inout Canary) -> Void = { _ in }) async -> PlannerScenario {
        let s = PlannerScenario(configure)
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        return s
    }

    @Test func notDueRunWritesNothing() async {
        let s = await Self.progressing()
        await s.run()
        #expect(s.weight == 10)
        let statusBefore = s.cluster.canary.status
        let lastStep = statusBefore?.lastStepTime ?? .distantPast
        s.now = lastStep.addingTimeInterval(1)
        let callsBefore = s.probe.calls.count
        let p = await s.run(advance: 58)
        #expect(p.isQuiet)
        #expect(p.changes.isEmpty)
        #expect(p.statusUpdate == nil)
        #expect(p.decision.hasPrefix("not due"))
        #expect(p.writes.allSatisfy { $0.intent == .assert })
        #expect(p.writes.contains { $0.ref.kind == "VirtualService" })
        let p2 = await s.run(advance: 1)  // 59 s after the step
        #expect(p2.isQuiet)
        #expect(p2.nextDue == lastStep.addingTimeInterval(60))
        #expect(s.cluster.canary.status == statusBefore)
        #expect(s.probe.calls.count == callsBefore)
        await s.run()  // exactly due
        #expect(s.weight == 20)
    }

    @Test func lateRunAdvancesOneStep() async {
        let s = await Self.progressing()
        await s.run(advance: 6 * 3600)
        #expect(s.weight == 10)
        await s.run()
        #expect(s.weight == 20)
    }

    @Test func initializationDeadlineFails() async {
        let s = PlannerScenario()
        s.cluster.unready.insert("podinfo-primary")
        await s.run(advance: 300)
        #expect(s.phase == .initializing)
        await s.run(advance: 300)
        #expect(s.phase == .initializing)
        let p = await s.run()
        #expect(s.phase == .failed)
        #expect(p.decision.contains("progress deadline"))
        #expect(s.cluster.canary.status?.failedRevision?.reason?.contains("not ready") == true)
    }

    @Test func missingConfigBlocksThenFails() async {
        let s = PlannerScenario()
        s.cluster.objects = s.cluster.objects.filter { $0.key.name != "podinfo-config-env" }
        let p = await s.run(advance: 700)
        #expect(s.phase == .initializing)
        #expect(p.events.first?.message == "configmap podinfo-config-env not found")
        #expect(p.events.first?.type == .warning)
        await s.run()
        #expect(s.phase == .failed)
        let stillMissing = await s.run()
        #expect(stillMissing.statusUpdate == nil)
        #expect(stillMissing.decision.hasPrefix("failed during initialization"))
        // Once the ConfigMap exists, initialization completes.
        s.cluster.put(PlannerFixtures.configs()[0])
        await s.initialize()
        #expect(s.phase == .initialized)
        #expect(s.cluster.canary.status?.failedRevision == nil)
    }

    @Test func canaryDeadlineDuringAnalysis() async {
        let s = await Self.progressing()
        await s.run()
        s.cluster.setReady("podinfo", false)
        let p1 = await s.run()
        #expect(s.phase == .progressing)
        #expect(p1.events.first?.message.hasPrefix("canary deployment podinfo.default not ready") == true)
        #expect(s.cluster.canary.status?.failedChecks ?? 0 == 0)
        await s.run(advance: 600)
        let p = await s.run()
        #expect(s.phase == .failed)
        #expect(p.decision.contains("progress deadline"))
    }

    @Test func promotionDeadlineFailsPromotion() async {
        let s = await Self.progressing { c in c.spec.analysis?.stepWeight = 50 }
        await s.run()
        #expect(s.phase == .progressing)
        #expect(s.weight == 50)
        s.cluster.unready.insert("podinfo-primary")
        await s.run()
        #expect(s.phase == .promoting)
        let waiting = await s.run(advance: 600)
        #expect(s.phase == .promoting)
        #expect(waiting.decision.hasPrefix("waiting: podinfo-primary.default not ready"))
        await s.run()
        #expect(s.phase == .failed)
        #expect(s.weight == 100)
        #expect(s.vsWeights! == (0, 100))
        #expect(s.targetReplicas == 1)
    }

    @Test func failedRevisionIsNotAnalysedAgainUntilRetry() async {
        let s = await Self.progressing { c in c.spec.analysis?.threshold = 1 }
        s.probe.script(metric: "request-success-rate", default: .fail)
        for _ in 0..<4 where s.phase != .failed { await s.run() }
        #expect(s.phase == .failed)
        let failedHash = s.cluster.canary.status?.failedRevision?.specHash
        // Git moves to 6.0.2 and back to 6.0.1: the new one is analysed; the failed one is not.
        s.probe.script(metric: "request-success-rate", default: .pass)
        s.cluster.setImage("podinfo", "podinfo:6.0.2")
        for _ in 0..<12 where s.phase != .succeeded { await s.run() }
        #expect(s.phase == .succeeded)
        // A later failure of 6.0.1 again, then Git returns to it.
        var st = s.cluster.canary.status ?? CanaryStatus()
        st.failedRevision = FailedRevisionRecord(specHash: failedHash ?? "", commit: PlannerFixtures.commitA)
        s.cluster.canary.status = st
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let p = await s.run()
        #expect(s.phase == .succeeded)
        #expect(p.decision.contains("not analysed again"))
        s.cluster.canary.metadata.annotations = ["gitcanary.dev/retry": String(PlannerFixtures.commitA.prefix(7))]
        await s.run()
        #expect(s.phase == .progressing)
        #expect(s.cluster.canary.status?.failedRevision?.retriedBy == String(PlannerFixtures.commitA.prefix(7)))
    }

    @Test func approveRolloutGate() async {
        let s = PlannerScenario { c in c.metadata.annotations = ["gitcanary.dev/gates": "rollout,promotion"] }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let p = await s.run()
        #expect(s.phase == .waiting)
        #expect(p.events.map(\.message) == ["Halt podinfo.default advancement waiting for approval gitcanary.dev/approve-rollout"])
        #expect(p.alerts.map(\.message) == ["Canary is waiting for approval."])
        #expect(s.targetReplicas == 0)
        let again = await s.run()
        #expect(again.events.isEmpty && again.statusUpdate == nil)
        // An approval naming another commit does not open the gate.
        s.cluster.canary.metadata.annotations?["gitcanary.dev/approve-rollout"] = String(PlannerFixtures.commitB.prefix(7))
        await s.run()
        #expect(s.phase == .waiting)
        s.cluster.canary.metadata.annotations?["gitcanary.dev/approve-rollout"] = String(PlannerFixtures.commitA.prefix(9))
        await s.run()
        #expect(s.phase == .progressing)
        #expect(s.targetReplicas == 1)
        // The promotion gate holds at maxWeight, keeping the real weight (§10.15 fix).
        for _ in 0..<8 where s.phase == .progressing { await s.run() }
        #expect(s.phase == .waitingPromotion)
        #expect(s.weight == 50)
        #expect(s.vsWeights! == (50, 50))
        await s.run()
        #expect(s.phase == .waitingPromotion)
        #expect(s.weight == 50)
        s.cluster.canary.metadata.annotations?["gitcanary.dev/approve-promotion"] = PlannerFixtures.commitA
        await s.run()
        #expect(s.phase == .promoting)
    }

    @Test func approveTrafficIncreaseGate() async {
        let s = await Self.progressing { c in c.metadata.annotations = ["gitcanary.dev/gates": "traffic-increase"] }
        let p = await s.run()
        #expect(s.weight == 0)
        #expect(p.events.last?.message == "Halt podinfo.default advancement waiting for traffic increase approval gitcanary.dev/approve-traffic-increase")
        #expect(p.alerts.map(\.message) == ["Canary traffic increase is waiting for approval."])
        #expect(s.cluster.canary.status?.failedChecks ?? 0 == 0)
        s.cluster.canary.metadata.annotations?["gitcanary.dev/approve-traffic-increase"] = PlannerFixtures.commitA
        await s.run()
        #expect(s.weight == 10)
    }

    @Test func rollbackGate() async {
        let s = await Self.progressing()
        await s.run()
        s.cluster.canary.metadata.annotations = ["gitcanary.dev/rollback": PlannerFixtures.commitA]
        let p = await s.run()
        #expect(s.phase == .failed)
        #expect(p.events.map(\.message).contains("Rolling back podinfo.default manual webhook invoked"))
    }

    @Test func rollbackWebhook() async {
        let s = await Self.progressing { c in c.spec.analysis?.webhooks = [PlannerFixtures.hook("rb", "rollback")] }
        s.probe.script(hook: "rb", [.fail, .pass])
        await s.run()
        #expect(s.weight == 10)
        let p = await s.run()
        #expect(s.phase == .failed)
        #expect(p.events.map(\.message).prefix(2) == ["Rollback check rb passed", "Rolling back podinfo.default manual webhook invoked"])
        #expect(s.probe.hookCalls == ["rollback:rb@Progressing", "rollback:rb@Progressing"])
    }

    @Test func onNoDataHoldNeitherCountsNorAdvances() async {
        let s = await Self.progressing()
        await s.run()
        let before = s.cluster.canary.status
        s.probe.script(metric: "request-success-rate", [.hold, .hold])
        let p = await s.run(advance: 5)
        #expect(s.weight == 10)
        #expect(p.statusUpdate == nil)
        #expect(p.events.isEmpty && p.alerts.isEmpty)
        #expect(p.changes.isEmpty)
        #expect(p.checks.last?.verdict == .hold)
        #expect(p.decision.hasPrefix("not done: holding at weight 10: request-success-rate"))
        #expect(s.cluster.canary.status == before)
        // Still due: the next run asks again at once.
        await s.run(advance: 5)
        #expect(s.weight == 10)
        await s.run()
        #expect(s.weight == 20)
        #expect(s.cluster.canary.status?.failedChecks == 0)
    }

    @Test func hookNotDoneDropsTheStep() async {
        let s = await Self.progressing { c in
            c.spec.analysis?.webhooks = [PlannerFixtures.hook("load", nil), PlannerFixtures.hook("promo", "confirm-promotion")]
            c.spec.analysis?.stepWeight = 50
        }
        await s.run()
        #expect(s.weight == 50)
        s.probe.script(hook: "load", [.hold])
        let p = await s.run(advance: 1)
        #expect(p.statusUpdate == nil && p.events.isEmpty)
        #expect(p.decision.hasPrefix("not done: webhook load"))
        // A confirm-promotion hook that was not done does not put the canary in WaitingPromotion.
        s.probe.script(hook: "promo", [.hold])
        let q = await s.run(advance: 1)
        #expect(s.phase == .progressing)
        #expect(q.statusUpdate == nil && q.alerts.isEmpty)
        #expect(q.decision.hasPrefix("not done: confirm-promotion hook promo"))
        await s.run()
        #expect(s.phase == .promoting)
    }

    @Test func checkRecordIsBounded() async {
        let s = await Self.progressing { c in c.spec.analysis?.maxWeight = 100 }
        for _ in 0..<8 { await s.run() }
        let checks = s.cluster.canary.status?.checks ?? []
        #expect(checks.count == 10)
        #expect(checks.last?.name == "request-duration")
        #expect(checks.last?.query == "scripted(request-duration)")
    }

    @Test func adoptsFlaggerCanaryWhenTemplatesMatch() async {
        let s = PlannerScenario()
        await s.initialize()
        var st = s.cluster.canary.status ?? CanaryStatus()
        st.lastAppliedSpec = "5d4b8c9f7"  // Flagger's hash
        st.lastPromotedSpec = "5d4b8c9f7"
        st.revision = nil
        st.phase = .succeeded
        s.cluster.canary.status = st
        let p = await s.run()
        #expect(p.decision.hasPrefix("adopted from Flagger"))
        #expect(s.phase == .succeeded)
        #expect(s.cluster.canary.status?.revision?.commit == PlannerFixtures.commitA)
        let next = await s.run()
        #expect(next.decision.hasPrefix("idle"))
    }

    @Test func adoptingFlaggerCanaryWithDifferentTargetStartsAnalysis() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        var st = s.cluster.canary.status ?? CanaryStatus()
        st.lastAppliedSpec = "5d4b8c9f7"
        st.lastPromotedSpec = "5d4b8c9f7"
        st.revision = nil
        st.phase = .succeeded
        s.cluster.canary.status = st
        let p = await s.run()
        #expect(s.phase == .progressing)
        #expect(p.decision.contains("adopting a canary Flagger managed"))
    }

    @Test func driftIsCorrectedFromStatus() async {
        let s = await Self.progressing()
        await s.run()
        #expect(s.vsWeights! == (90, 10))
        // Someone edits the VirtualService: the next run (not even due) re-asserts 90/10 as a change.
        var vs = s.cluster.object("VirtualService", "podinfo") ?? .null
        vs.set([[ "route": [["destination": ["host": "podinfo-primary"], "weight": 0],
                            ["destination": ["host": "podinfo-canary"], "weight": 100]]]], at: ["spec", "http"])
        s.cluster.put(vs)
        s.now = s.now.addingTimeInterval(-30)
        let p = await s.run(advance: 0)
        #expect(p.statusUpdate == nil)
        #expect(p.changes.map(\.ref.kind) == ["VirtualService"])
        #expect(s.vsWeights! == (90, 10))
    }

    @Test func interruptedStepIsRedoneNotSkipped() async {
        let s = await Self.progressing()
        await s.run()
        // The next step writes routes 80/20 but the run dies before the status write.
        let p = await s.plan()
        var partial = p
        partial.statusUpdate = nil
        s.cluster.apply(partial)
        #expect(s.vsWeights! == (80, 20))
        #expect(s.weight == 10)
        let redo = await s.run()
        #expect(s.weight == 20)
        #expect(s.vsWeights! == (80, 20))
        #expect(redo.decision.hasPrefix("weight 10 → 20"))
    }

    @Test func readOnlyProbeMakesDecisionHypothetical() async {
        let s = await Self.progressing { c in c.spec.analysis?.webhooks = [PlannerFixtures.hook("load", nil)] }
        await s.run()
        s.probe.script(hook: "load", [.skipped])
        let p = await s.plan()
        #expect(p.hypothetical)
        #expect(p.decision.contains("hypothetical"))
        #expect(p.statusUpdate?.canaryWeight == 20)
    }

    @Test func suspendedCanaryDoesNothing() async {
        let s = await Self.progressing()
        s.cluster.canary.spec.suspend = true
        let p = await s.run()
        #expect(p.writes.isEmpty && p.statusUpdate == nil)
        #expect(p.decision.hasPrefix("suspended"))
    }

    @Test func waitingPromotionKeepsIterationsForBlueGreen() async {
        let s = await Self.progressing { c in
            c.spec.analysis?.stepWeight = nil
            c.spec.analysis?.maxWeight = nil
            c.spec.analysis?.iterations = 2
            c.spec.analysis?.webhooks = [PlannerFixtures.hook("gate", "confirm-promotion")]
        }
        s.probe.script(hook: "gate", default: .fail)
        for _ in 0..<4 { await s.run() }
        #expect(s.phase == .waitingPromotion)
        #expect(s.iterations == 2)
        await s.run()
        #expect(s.iterations == 2)
        s.probe.script(hook: "gate", default: .pass)
        await s.run()
        #expect(s.iterations == 3)
        #expect(s.vsWeights! == (0, 100))
    }

    @Test func etaAndNextDue() async {
        let s = await Self.progressing()
        let p = await s.run()
        #expect(p.nextDue == p.statusUpdate?.lastStepTime?.addingTimeInterval(60))
        // Weight 10 now: 20, 30, 40, 50, promote, finalise, succeed = 7 more steps, the first at nextDue.
        #expect(p.eta == p.nextDue?.addingTimeInterval(6 * 60))
    }
}

/// An idle canary whose primary is briefly unavailable when a new revision arrives waits; it is not rolled back.
@Suite struct IdlePrimaryWaitTests {
    @Test func newRevisionWaitsForAnUnreadyPrimary() async {
        let s = PlannerScenario()
        await s.initialize()
        s.now = s.now.addingTimeInterval(86_400)
        s.cluster.setReady("podinfo-primary", false)
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let p = await s.run()
        #expect(s.phase == .initialized)
        #expect(p.decision.hasPrefix("waiting: podinfo-primary.default not ready"))
        s.cluster.setReady("podinfo-primary", true)
        await s.run()
        #expect(s.phase == .progressing)
    }
}
