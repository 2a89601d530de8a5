import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Finalizer, deletion with revertOnDeletion, validation, suspended and waiting canaries.
@Suite struct LifecycleTests {
    @Test func revertOnDeletionAddsFinalizerAndReverts() async {
        let s = PlannerScenario { c in c.spec.revertOnDeletion = true }
        await s.initialize()
        #expect(s.cluster.canary.metadata.finalizers == ["finalizer.flagger.app"])
        #expect(s.targetReplicas == 0)
        s.cluster.canary.metadata.deletionTimestamp = s.now
        let p1 = await s.run()
        #expect(s.phase == .terminating)
        #expect(p1.events.map(\.message) == ["Terminating canary podinfo.default"])
        #expect(s.targetReplicas == 1)
        #expect(s.cluster.canary.metadata.finalizers == ["finalizer.flagger.app"])
        let p2 = await s.run()
        #expect(p2.events.map(\.message) == ["Terminated canary podinfo.default"])
        #expect(s.cluster.canary.metadata.finalizers == [])
    }

    @Test func turningRevertOffRemovesFinalizer() async {
        let s = PlannerScenario { c in c.spec.revertOnDeletion = true }
        await s.initialize()
        s.cluster.canary.spec.revertOnDeletion = false
        await s.run()
        #expect(s.cluster.canary.metadata.finalizers == [])
    }

    @Test func crossNamespaceTemplateIsRejectedWhenConfigured() async {
        let s = PlannerScenario { c in
            var m = CanaryMetric(name: "error-rate")
            m.templateRef = NamespacedName(name: "errors", namespace: "monitoring")
            c.spec.analysis?.metrics?.append(m)
        }
        s.settings.noCrossNamespaceRefs = true
        let p = await s.run()
        #expect(p.events.first?.message.contains("cross-namespace references are not allowed") == true)
        #expect(s.cluster.object("Deployment", "podinfo-primary") == nil)
        s.settings.noCrossNamespaceRefs = false
        await s.run()
        #expect(s.cluster.object("Deployment", "podinfo-primary") != nil)
    }

    @Test func equalCookieNamesAreRejected() async {
        let s = PlannerScenario { c in
            c.spec.analysis?.sessionAffinity = SessionAffinity(cookieName: "c", primaryCookieName: "c")
        }
        let p = await s.run()
        #expect(p.decision.contains("must differ"))
    }

    @Test func missingSelectorLabelBlocks() async {
        let c = PlannerFixtures.canary()
        let s = PlannerScenario(canary: c, objects: [PlannerFixtures.podinfo(selectorLabel: "component")] + PlannerFixtures.configs())
        let p = await s.run()
        #expect(p.events.first?.message.hasPrefix("selector labels app,name,app.kubernetes.io/name not found") == true)
        s.settings.selectorLabels = ["component"]
        await s.initialize()
        #expect(s.phase == .initialized)
    }

    @Test func changeWhileWaitingNeedsApprovalOfTheNewCommit() async {
        let s = PlannerScenario { c in c.metadata.annotations = ["gitcanary.dev/gates": "rollout"] }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        #expect(s.phase == .waiting)
        #expect(s.cluster.canary.status?.revision?.commit == PlannerFixtures.commitA)
        s.revision = GitRevision(commit: PlannerFixtures.commitB, ref: "main")
        s.cluster.setImage("podinfo", "podinfo:6.0.2")
        s.cluster.canary.metadata.annotations?["gitcanary.dev/approve-rollout"] = PlannerFixtures.commitA
        await s.run()
        #expect(s.phase == .waiting)
        #expect(s.cluster.canary.status?.revision?.commit == PlannerFixtures.commitB)
        s.cluster.canary.metadata.annotations?["gitcanary.dev/approve-rollout"] = PlannerFixtures.commitB
        await s.run()
        #expect(s.phase == .progressing)
    }

    @Test func confirmRolloutWebhookWaitsAndMutesAlert() async {
        let s = PlannerScenario { c in
            var hook = PlannerFixtures.hook("gate", "confirm-rollout")
            hook.muteAlert = true
            c.spec.analysis?.webhooks = [hook]
        }
        await s.initialize()
        s.probe.script(hook: "gate", [.fail, .fail])
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let p = await s.run()
        #expect(s.phase == .waiting)
        #expect(p.alerts.isEmpty)
        #expect(p.events.map(\.message) == ["Halt podinfo.default advancement waiting for approval gate"])
        await s.run()
        await s.run()
        #expect(s.phase == .progressing)
        #expect(s.probe.hookCalls == ["confirm-rollout:gate@Initialized", "confirm-rollout:gate@Waiting",
                                      "confirm-rollout:gate@Waiting"])
    }

    @Test func providerCheckFailureDoesNotBlockInitialization() async {
        let s = PlannerScenario()
        s.probe.setProviderAvailability(.fail)
        await s.initialize()
        #expect(s.phase == .initialized)
        #expect(s.eventMessages.first == "Error checking metric providers: prometheus unreachable")
    }

    @Test func statusWriteIsConditionalOnTheObservedResourceVersion() async {
        let s = PlannerScenario()
        let rv = s.cluster.canary.metadata.resourceVersion
        let p = await s.run()
        #expect(p.statusPrecondition == rv)
        #expect(p.writes.filter { $0.intent == .change }.allSatisfy { w in
            if case .apply = w.action { return w.precondition == nil } else { return true }
        })
    }
}
