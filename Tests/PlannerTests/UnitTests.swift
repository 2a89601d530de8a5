import Foundation
@testable import Planner
import Resources
import Testing
import TestSupport

/// Unit tables for readiness (flagger-behaviour.md §5.5, scenario 52), config tracking (§5.3, scenario 53),
/// the Promoted condition (§7.3) and the step-weight helpers (§1.10).
@Suite struct UnitTests {
    static let now = PlannerFixtures.epoch

    static func deployment(replicas: Int, updated: Int, total: Int? = nil, available: Int, generation: Int = 1,
                           observed: Int = 1, conditions: [JSONValue] = []) -> WorkloadView {
        WorkloadView([
            "kind": "Deployment", "metadata": ["name": "d", "generation": .int(Int64(generation))],
            "spec": ["replicas": .int(Int64(replicas))],
            "status": ["observedGeneration": .int(Int64(observed)), "replicas": .int(Int64(total ?? updated)),
                       "updatedReplicas": .int(Int64(updated)), "availableReplicas": .int(Int64(available)),
                       "conditions": .array(conditions)],
        ])
    }

    @Test func deploymentReadiness() {
        func r(_ w: WorkloadView, threshold: Int = 100) -> Readiness {
            Readiness.of(w, threshold: threshold, deadlineSeconds: 600, now: Self.now)
        }
        #expect(r(Self.deployment(replicas: 1, updated: 1, available: 1, generation: 2, observed: 1))
            == .waiting("waiting for rollout to finish: observed deployment generation less than desired generation"))
        #expect(r(Self.deployment(replicas: 1, updated: 1, available: 1)) == .ready)
        #expect(r(Self.deployment(replicas: 2, updated: 1, available: 1))
            == .waiting("waiting for rollout to finish: 1 out of 2 new replicas have been updated"))
        #expect(r(Self.deployment(replicas: 1, updated: 1, total: 2, available: 1))
            == .waiting("waiting for rollout to finish: 1 old replicas are pending termination"))
        #expect(r(Self.deployment(replicas: 2, updated: 2, available: 1))
            == .waiting("waiting for rollout to finish: 1 of 2 (readyThreshold 100%) updated replicas are available"))
        let exceeded: [JSONValue] = [["type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"]]
        #expect(r(Self.deployment(replicas: 1, updated: 0, available: 0, conditions: exceeded))
            == .failed("deployment d exceeded its progress deadline"))
        let stale = RFC3339.format(Self.now.addingTimeInterval(-601))
        let unavailable: [JSONValue] = [
            ["type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"],
            ["type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "lastUpdateTime": .string(stale)],
        ]
        #expect(r(Self.deployment(replicas: 2, updated: 1, available: 0, conditions: unavailable))
            == .failed("waiting for rollout to finish: 1 out of 2 new replicas have been updated"))
        #expect(r(Self.deployment(replicas: 4, updated: 4, available: 2), threshold: 50) == .ready)
        #expect(r(Self.deployment(replicas: 4, updated: 4, available: 1), threshold: 50) != .ready)
        #expect(r(Self.deployment(replicas: 0, updated: 0, available: 0)) == .ready)
    }

    @Test func configReferencesAndRenames() {
        let spec: JSONValue = [
            "volumes": [
                ["name": "a", "configMap": ["name": "cm-vol"]],
                ["name": "b", "secret": ["secretName": "s-vol"]],
                ["name": "c", "projected": ["sources": [["configMap": ["name": "cm-proj"]], ["secret": ["name": "s-proj"]]]]],
            ],
            "initContainers": [["name": "init", "envFrom": [["secretRef": ["name": "s-init"]]]]],
            "containers": [["name": "app",
                            "env": [["name": "X", "valueFrom": ["configMapKeyRef": ["name": "cm-opt", "key": "k", "optional": true]]]],
                            "envFrom": [["configMapRef": ["name": "cm-env"]]]]],
        ]
        let refs = ConfigTracking.references(in: spec)
        #expect(refs.map { "\($0.kind)/\($0.name)\($0.optional ? "?" : "")" } ==
            ["ConfigMap/cm-vol", "Secret/s-vol", "ConfigMap/cm-proj", "Secret/s-proj", "ConfigMap/cm-opt?", "ConfigMap/cm-env", "Secret/s-init"])
        func obj(_ kind: String, _ name: String, type: String? = nil) -> JSONValue {
            var o: JSONValue = ["kind": .string(kind), "metadata": ["name": .string(name)], "data": ["k": "v"]]
            if let type { o["type"] = .string(type) }
            return o
        }
        let present: [String: JSONValue] = [
            "ConfigMap/cm-vol": obj("ConfigMap", "cm-vol"), "Secret/s-vol": obj("Secret", "s-vol"),
            "ConfigMap/cm-proj": obj("ConfigMap", "cm-proj"), "Secret/s-proj": obj("Secret", "s-proj", type: "kubernetes.io/dockerconfigjson"),
            "ConfigMap/cm-env": obj("ConfigMap", "cm-env"), "Secret/s-init": obj("Secret", "s-init", type: "kubernetes.io/tls"),
        ]
        // The optional ConfigMap is missing and skipped; the docker-config Secret is not tracked.
        guard case .success(let tracked) = ConfigTracking.tracked(podSpec: spec, lookup: { present["\($0)/\($1)"] }) else {
            Issue.record("tracking failed")
            return
        }
        #expect(tracked.map(\.key) == ["configmap/cm-vol", "secret/s-vol", "configmap/cm-proj", "configmap/cm-env", "secret/s-init"])
        let renamed = ConfigTracking.renamed(spec, tracked: tracked)
        #expect(renamed["volumes"]?.arrayValue?.map { $0["configMap", "name"] ?? $0["secret", "secretName"] ?? .null }
            == ["cm-vol-primary", "s-vol-primary", .null])
        #expect(renamed["volumes"]?.arrayValue?[2]["projected", "sources"] ==
            [["configMap": ["name": "cm-proj-primary"]], ["secret": ["name": "s-proj"]]])
        #expect(renamed["initContainers"]?.arrayValue?.first?["envFrom"] == [["secretRef": ["name": "s-init-primary"]]])
        #expect(renamed["containers"]?.arrayValue?.first?["env"]?.arrayValue?.first?["valueFrom", "configMapKeyRef", "name"] == "cm-opt")
        // A missing required config blocks.
        var missing = present
        missing["ConfigMap/cm-env"] = nil
        guard case .failure(let e) = ConfigTracking.tracked(podSpec: spec, lookup: { missing["\($0)/\($1)"] }) else {
            Issue.record("expected a block")
            return
        }
        #expect(e.message == "configmap cm-env not found")
    }

    @Test func trackedConfigChange() {
        #expect(!ConfigTracking.changed(current: nil, recorded: nil))
        #expect(!ConfigTracking.changed(current: [:], recorded: nil))
        #expect(ConfigTracking.changed(current: ["configmap/a": "1"], recorded: nil))
        #expect(ConfigTracking.changed(current: ["configmap/a": "1"], recorded: ["configmap/a": "2"]))
        #expect(ConfigTracking.changed(current: ["configmap/a": "1"], recorded: [:]))
        #expect(!ConfigTracking.changed(current: ["configmap/a": "1"], recorded: ["configmap/a": "1"]))
    }

    @Test(arguments: [
        (CanaryPhase.initialized, "True", "Deployment initialization completed."),
        (.waiting, "Unknown", "Waiting for approval."),
        (.waitingPromotion, "Unknown", "Waiting for approval."),
        (.progressing, "Unknown", "New revision detected, progressing canary analysis."),
        (.promoting, "Unknown", "Canary analysis completed, starting primary rolling update."),
        (.finalising, "Unknown", "Canary analysis completed, routing all traffic to primary."),
        (.succeeded, "True", "Canary analysis completed successfully, promotion finished."),
        (.failed, "False", "Canary analysis failed, Deployment scaled to zero."),
        (.terminating, "Unknown", "New Deployment detected, starting initialization."),
    ])
    func promotedCondition(phase: CanaryPhase, status: String, message: String) {
        let input = PlanInput(canary: PlannerFixtures.canary(), objects: [], now: Self.now,
                              revision: GitRevision(commit: PlannerFixtures.commitA), random: PlannerFixtures.random)
        let b = PlanBuilder(input: input)
        b.status.phase = phase
        let c = b.promotedCondition(kind: "Deployment")
        #expect(c.type == "Promoted" && c.status == status && c.message == message && c.reason == phase.rawValue)
    }

    @Test func conditionTransitionTimeKeptWhileStatusUnchanged() {
        var canary = PlannerFixtures.canary()
        var st = CanaryStatus()
        st.phase = .progressing
        let earlier = Self.now.addingTimeInterval(-300)
        st.conditions = [CanaryCondition(type: "Promoted", status: "Unknown", lastUpdateTime: earlier,
                                         lastTransitionTime: earlier, reason: "Progressing", message: "x")]
        canary.status = st
        let b = PlanBuilder(input: PlanInput(canary: canary, objects: [], now: Self.now,
                                             revision: GitRevision(commit: PlannerFixtures.commitA), random: PlannerFixtures.random))
        b.status.phase = .promoting
        let c = b.promotedCondition(kind: "Deployment")
        #expect(c.lastTransitionTime == earlier)
        #expect(c.lastUpdateTime == Self.now)
        b.status.phase = .succeeded
        #expect(b.promotedCondition(kind: "Deployment").lastTransitionTime == Self.now)
    }

    @Test func kedaQueryRewrite() {
        #expect(PrimaryScaledObject.rewrite("rate(x{d=\"app-canary\",a=\"app\",p=\"app-primary\"})", target: "app")
            == "rate(x{d=\"app-primary\",a=\"app-primary\",p=\"app-primary\"})")
    }

    @Test func setCookieFormat() {
        let sa = SessionAffinity(cookieName: "c", domain: "example.com", httpOnly: true, partitioned: true, path: "/",
                                 sameSite: "Strict", secure: true)
        #expect(SessionCookies.setCookie("c=abc", maxAge: 60, affinity: sa)
            == "c=abc; Max-Age=60; Domain=example.com; HttpOnly; Partitioned; Path=/; SameSite=Strict; Secure")
    }

    @Test func fnvHasherIsStableAndOrderInsensitive() {
        let h = FNV1aHasher()
        let a: JSONValue = ["b": 1, "a": ["x", "y"]]
        let b: JSONValue = .object(JSONObject([("a", ["x", "y"]), ("b", 1)]))
        #expect(h.hash(a) == h.hash(b))
        #expect(h.hash(a).count == 16)
        #expect(h.hash(a) != h.hash(["b": 2, "a": ["x", "y"]]))
    }
}

/// The Planner's default hashers are the ones of `Resources`.
@Suite struct HashSeamTests {
    @Test func targetHashEqualsSpecHashOfTheTarget() async {
        for kind in ["Deployment", "DaemonSet"] {
            let c = PlannerFixtures.canary(kind: kind)
            let target = PlannerFixtures.podinfo(kind: kind)
            let s = PlannerScenario(canary: c, objects: [target] + PlannerFixtures.configs())
            await s.initialize()
            let parked = s.cluster.object(kind, "podinfo") ?? .null
            #expect(s.cluster.canary.status?.lastAppliedSpec == SpecHash.target(target))
            #expect(s.cluster.canary.status?.lastAppliedSpec == SpecHash.target(parked))
            #expect(s.cluster.canary.status?.lastAppliedSpec?.count == 64)
        }
    }

    @Test func trackedConfigsUseFlaggersChecksum() async {
        let s = PlannerScenario()
        await s.initialize()
        let tracked = s.cluster.canary.status?.trackedConfigs ?? [:]
        let cm = s.cluster.object("ConfigMap", "podinfo-config-env") ?? .null
        let secret = s.cluster.object("Secret", "podinfo-secret-env") ?? .null
        #expect(tracked["configmap/podinfo-config-env"] == ConfigChecksum.configMap(cm))
        #expect(tracked["secret/podinfo-secret-env"] == ConfigChecksum.secret(secret))
        // Flagger's checksum of {"color":"red"}: sha256 of the Go JSON, first 8 bytes.
        #expect(tracked["configmap/podinfo-config-env"]?.count == 16)
    }
}

/// What the Reconciler must read for a canary.
@Suite struct PlanDependenciesTests {
    @Test func refsCoverEverythingThePlannerReads() async {
        let canary = PlannerFixtures.canary { c in
            c.spec.autoscalerRef = AutoscalerReference(apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: "podinfo")
        }
        let refs = PlanDependencies.refs(of: canary, target: PlannerFixtures.podinfo())
        #expect(refs.map { "\($0.kind)/\($0.name)" } == [
            "Deployment/podinfo", "Deployment/podinfo-primary", "Service/podinfo", "Service/podinfo-primary",
            "Service/podinfo-canary", "HorizontalPodAutoscaler/podinfo", "HorizontalPodAutoscaler/podinfo-primary",
            "ConfigMap/podinfo-config-vol", "ConfigMap/podinfo-config-vol-primary",
            "ConfigMap/podinfo-config-env", "ConfigMap/podinfo-config-env-primary",
            "Secret/podinfo-secret-env", "Secret/podinfo-secret-env-primary",
            "ConfigMap/podinfo-config-all", "ConfigMap/podinfo-config-all-primary",
            "VirtualService/podinfo", "DestinationRule/podinfo-primary", "DestinationRule/podinfo-canary",
        ])
        // Planning from exactly those objects gives the same plan as planning from the whole cluster.
        let s = PlannerScenario(hpa: true)
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let target = s.cluster.object("Deployment", "podinfo")
        let wanted = Set(PlanDependencies.refs(of: s.cluster.canary, target: target))
        var input = s.input()
        let full = await Planner.plan(input, probe: s.probe)
        input.observed = input.observed.filter { wanted.contains($0.key) }
        let partial = await Planner.plan(input, probe: s.probe)
        #expect(full == partial)
    }
}

/// The plan is a deterministic, codable value.
@Suite struct PlanValueTests {
    @Test func samesInputSamePlanAndCodableRoundTrip() async throws {
        let s = PlannerScenario { c in
            c.spec.analysis?.webhooks = [PlannerFixtures.hook("load", nil), PlannerFixtures.hook("events", "event")]
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        let a = await s.plan()
        let b = await s.plan()
        #expect(a == b)
        #expect(!a.writes.isEmpty && a.statusUpdate != nil && !a.deferredCalls.isEmpty)
        let encoded = try JSONEncoder().encode(a)
        let decoded = try JSONDecoder().decode(CanaryPlan.self, from: encoded)
        #expect(decoded == a)
    }
}

/// `status` shows the next step and the ETA without planning.
@Suite struct TimingTests {
    @Test func timingMatchesThePlan() async {
        let s = PlannerScenario()
        await s.initialize()
        #expect(Planner.timing(of: s.cluster.canary).nextDue == nil)
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let p = await s.run()
        let t = Planner.timing(of: s.cluster.canary)
        #expect(t.nextDue == p.nextDue)
        #expect(t.eta == p.eta)
        #expect(t.nextDue == p.statusUpdate?.lastStepTime?.addingTimeInterval(60))
    }
}
