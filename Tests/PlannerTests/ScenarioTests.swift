import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Scenarios of the upstream controller tests (flagger-behaviour.md §9). Where a Flagger test forces route
/// weights, the status is forced instead: it is GitCanary's truth.
@Suite struct ScenarioTests {
    /// Forces the status as a mid-run state.
    static func force(_ s: PlannerScenario, _ phase: CanaryPhase, weight: Int = 0, failedChecks: Int = 0,
                      lastStep: Date? = nil) {
        var st = s.cluster.canary.status ?? CanaryStatus()
        st.phase = phase
        st.canaryWeight = weight
        st.failedChecks = failedChecks
        st.lastStepTime = lastStep ?? s.now.addingTimeInterval(-3600)
        st.phaseStartTime = st.lastStepTime
        s.cluster.canary.status = st
    }

    @Test func initCreatesPrimaryAndParksTarget() async {
        let s = PlannerScenario()
        let p1 = await s.run()
        #expect(s.cluster.object("Deployment", "podinfo-primary") != nil)
        #expect(s.phase == .initializing)
        #expect(p1.statusUpdate?.phaseStartTime == PlannerFixtures.epoch)
        #expect(s.targetReplicas == 1)
        await s.run()
        #expect(s.phase == .initialized)
        #expect(s.targetReplicas == 0)
        #expect(s.cluster.canary.status?.conditions?.first?.message == "Deployment initialization completed.")
        #expect(s.cluster.canary.status?.lastAppliedSpec == s.cluster.canary.status?.lastPromotedSpec)
        #expect(s.cluster.canary.status?.trackedConfigs?.keys.sorted() ==
            ["configmap/podinfo-config-all", "configmap/podinfo-config-env", "configmap/podinfo-config-vol",
             "secret/podinfo-secret-env"])
        #expect(s.plans.last?.alerts.first?.message == "New Deployment detected, initialization completed.")
        #expect(s.plans.last?.alerts.first?.fields.map(\.name) ==
            ["Target", "Failed checks threshold", "Progress deadline", "Traffic routing", "Revision"])
    }

    @Test func newRevisionScalesUp() async {
        let s = PlannerScenario()
        await s.initialize()
        #expect(s.targetReplicas == 0)
        await s.run()
        #expect(s.phase == .initialized)
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        #expect(s.targetReplicas == 1)
        #expect(s.phase == .progressing)
    }

    @Test func rollbackWhenThresholdReached() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        Self.force(s, .progressing, weight: 20, failedChecks: 10)
        s.probe.script(metric: "request-success-rate", default: .fail)
        let p = await s.run()
        #expect(s.phase == .failed)
        #expect(p.events.map(\.message).prefix(2) == [
            "Rolling back podinfo.default failed checks threshold reached 10", "Canary failed! Scaling down podinfo.default",
        ])
        #expect(p.alerts.map(\.message) == ["Failed checks threshold reached 10"])
        #expect(p.alerts.first?.severity == .error)
        #expect(s.vsWeights! == (100, 0))
        #expect(s.targetReplicas == 0)
        #expect(s.cluster.canary.status?.failedChecks == 0)
        #expect(s.cluster.canary.status?.conditions?.first?.status == "False")
        #expect(s.cluster.canary.status?.failedRevision?.commit == PlannerFixtures.commitA)
        #expect(s.cluster.canary.status?.counters?.rollbacks == 1)
        // No metric was evaluated: the threshold check precedes the analysis.
        #expect(!s.probe.calls.contains { $0.kind == "metric" })
    }

    @Test func failedChecksAccumulateThenRollBack() async {
        let s = PlannerScenario { c in c.spec.analysis?.threshold = 2 }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()  // Progressing
        await s.run()  // pre-rollout, weight 10
        s.probe.script(metric: "request-duration", default: .fail)
        await s.run()
        #expect(s.cluster.canary.status?.failedChecks == 1)
        #expect(s.weight == 10)
        await s.run()
        #expect(s.cluster.canary.status?.failedChecks == 2)
        await s.run()
        #expect(s.phase == .failed)
        #expect(s.cluster.canary.status?.checks?.last?.name == "request-duration")
    }

    @Test func promotionPrimaryNotReady() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        Self.force(s, .promoting, weight: 50)
        s.cluster.deadlineExceeded.insert("podinfo-primary")
        s.cluster.setReady("podinfo-primary", false)
        let p = await s.run()
        #expect(s.phase == .failed)
        #expect(s.weight == 100)
        #expect(s.vsWeights! == (0, 100))
        #expect(s.targetReplicas == 1)
        #expect(p.alerts.first?.message.hasPrefix("Promotion failed, primary not ready: ") == true)
    }

    @Test func promotionFailedAfterTrafficShift() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        Self.force(s, .finalising, weight: 0)
        s.cluster.deadlineExceeded.insert("podinfo-primary")
        s.cluster.setReady("podinfo-primary", false)
        await s.run()
        #expect(s.phase == .failed)
        #expect(s.weight == 100)
        #expect(s.vsWeights! == (0, 100))
        #expect(s.targetReplicas == 1)
    }

    @Test func newRevisionResetsMidAnalysis() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        #expect(s.vsWeights! == (90, 10))
        s.cluster.setImage("podinfo", "podinfo:6.0.2")
        let p = await s.run(advance: 1)
        #expect(p.events.map(\.message) == ["New revision detected! Restarting analysis for podinfo.default"])
        #expect(s.vsWeights! == (100, 0))
        #expect(s.phase == .progressing)
        #expect(s.weight == 0)
    }

    @Test func promotionCopiesConfigsChangedMidRun() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        s.cluster.setData("ConfigMap", "podinfo-config-env", ["color": "blue"])
        s.cluster.setData("Secret", "podinfo-secret-env", ["token": "bmV3"])
        await s.run()
        #expect(s.weight == 0)  // restarted
        var phases: [CanaryPhase] = []
        for _ in 0..<10 where s.phase != .succeeded {
            await s.run()
            phases.append(s.phase)
        }
        #expect(phases.suffix(3) == [.promoting, .finalising, .succeeded])
        #expect(s.cluster.object("ConfigMap", "podinfo-config-env-primary")?["data", "color"] == "blue")
        #expect(s.cluster.object("Secret", "podinfo-secret-env-primary")?["data", "token"] == "bmV3")
        let env = s.cluster.object("Deployment", "podinfo-primary")?["spec", "template", "spec", "containers"]?.arrayValue?
            .first?["env"]?.arrayValue ?? []
        #expect(env.map { $0["valueFrom", "configMapKeyRef", "name"] ?? $0["valueFrom", "secretKeyRef", "name"] } ==
            ["podinfo-config-env-primary", "podinfo-secret-env-primary"])
    }

    @Test(arguments: [
        (nil as IntOrString?, 9898, ["http 9898 9898", "http-metrics 8080 8080", "tcp-podinfo-2 8888 8888"]),
        (IntOrString.int(9898), 80, ["http 80 9898", "http-metrics 8080 8080", "tcp-podinfo-2 8888 8888"]),
        (IntOrString.string("http"), 8080, ["http 8080 http", "http-metrics 8080 8080", "tcp-podinfo-2 8888 8888"]),
    ])
    func portDiscovery(targetPort: IntOrString?, port: Int, expected: [String]) async {
        let s = PlannerScenario { c in
            c.spec.service.port = port
            c.spec.service.targetPort = targetPort
            c.spec.service.portDiscovery = true
        }
        await s.run()
        let ports = s.cluster.object("Service", "podinfo-canary")?["spec", "ports"]?.arrayValue ?? []
        let got = ports.map { p in
            "\(p["name"]?.stringValue ?? "") \(p["port"]?.intValue ?? 0) \(p["targetPort"].map { $0.stringValue ?? String($0.intValue ?? 0) } ?? "")"
        }
        #expect(got == expected)
    }

    @Test func skipAnalysisPromotesWithoutAnalysis() async {
        let s = PlannerScenario()
        await s.initialize()
        s.cluster.canary.spec.skipAnalysis = true
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        #expect(s.phase == .progressing)
        await s.run()
        #expect(s.phase == .succeeded)
        #expect(s.targetReplicas == 0)
        #expect(!s.probe.calls.contains { $0.kind == "metric" })
    }

    @Test func daemonSetTargetParksWithNodeSelector() async {
        let c = PlannerFixtures.canary(kind: "DaemonSet")
        let s = PlannerScenario(canary: c, objects: [PlannerFixtures.podinfo(kind: "DaemonSet")] + PlannerFixtures.configs())
        await s.initialize()
        #expect(s.phase == .initialized)
        #expect(s.cluster.object("DaemonSet", "podinfo-primary") != nil)
        let target = s.cluster.object("DaemonSet", "podinfo")
        #expect(target?["spec", "template", "spec", "nodeSelector", "flagger.app/scale-to-zero"] == "true")
        // Parking the target is not a new revision.
        await s.run()
        #expect(s.phase == .initialized)
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        #expect(s.phase == .progressing)
        #expect(s.cluster.object("DaemonSet", "podinfo")?["spec", "template", "spec", "nodeSelector", "flagger.app/scale-to-zero"] == nil)
        for _ in 0..<10 where s.phase != .succeeded { await s.run() }
        #expect(s.phase == .succeeded)
        #expect(s.cluster.object("DaemonSet", "podinfo-primary")?["spec", "template", "spec", "nodeSelector", "flagger.app/scale-to-zero"] == nil)
    }

    @Test func serviceTargetWeights() async {
        var c = PlannerFixtures.canary(kind: "Service")
        c.spec.analysis?.stepWeight = 20
        let svc: JSONValue = ["apiVersion": "v1", "kind": "Service",
                              "metadata": ["name": "podinfo", "namespace": "default"],
                              "spec": ["selector": ["app": "podinfo"], "ports": [["port": 9898]], "clusterIP": "10.0.0.1"]]
        let s = PlannerScenario(canary: c, objects: [svc])
        await s.run()
        #expect(s.phase == .initialized)
        var changed = svc
        changed.set(["app": "podinfo-v2"], at: ["spec", "selector"])
        s.cluster.put(changed)
        var primaries: [Int] = []
        for _ in 0..<8 {
            await s.run()
            if s.phase != .progressing { break }
            primaries.append(s.vsWeights?.0 ?? -1)
        }
        #expect(primaries == [100, 80, 60, 40])
        await s.run()
        #expect(s.phase == .finalising)
        #expect(s.cluster.object("Service", "podinfo-primary")?["spec", "selector"] == ["app": "podinfo-v2"])
        await s.run()
        #expect(s.phase == .succeeded)
    }

    @Test func kubernetesProviderCoercesToIterations() async {
        let s = PlannerScenario(provider: "kubernetes")
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        let p = await s.run()
        #expect(p.events.map(\.message).contains("Progressive traffic is not supported when using the kubernetes provider"))
        #expect(p.events.map(\.message).contains("Advance podinfo.default canary iteration 1/10"))
        #expect(s.cluster.object("VirtualService", "podinfo") == nil)
        for _ in 0..<15 where s.phase != .succeeded { await s.run() }
        #expect(s.phase == .succeeded)
    }
}
