import Foundation
import KubeAPI
import Planner
import Resources
import Sandbox
import Testing
import TestSupport

/// The DaemonSet, plain Service and KEDA targets of §5 and §9 through the Planner on a Sandbox, with a provider
/// router in the loop (flagger-behaviour.md §5.1, §5.2, §5.7, §9 items 17–24 and 29).
@Suite struct ProviderSandboxTargetTests {
    static let scaleToZero = "flagger.app/scale-to-zero"

    /// A harness with the Canary CRD and a Canary, and the objects put.
    static func executor(_ h: SandboxHarness, _ canary: Canary, crds: [String] = [], objects: [JSONValue]) async throws
        -> SandboxPlanExecutor {
        let e = try SandboxPlanExecutor(harness: h, canary: canary)
        for file in ["flagger-canaries-crd.yaml"] + crds {
            let text = try String(contentsOf: ProviderSandboxTests.crdDirectory.appendingPathComponent(file), encoding: .utf8)
            for m in try ManifestDecoder().decode(yaml: text, file: file) { try await e.put(ProviderSandboxTests.served(m.object)) }
        }
        for o in objects { try await e.put(o) }
        try await e.put(["apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                         "metadata": ["name": "podinfo", "namespace": "default"],
                         "spec": ["targetRef": ["apiVersion": "apps/v1", "kind": .string(canary.targetKind), "name": "podinfo"],
                                  "service": ["port": 9898], "analysis": ["interval": "1m", "threshold": 2]]])
        e.canary.metadata.uid = await e.get("flagger.app/v1beta1", "Canary", "podinfo")?["metadata", "uid"]?.stringValue
        return e
    }

    @Test func daemonSetParksWithANodeSelectorAndIsPromoted() async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let canary = PlannerFixtures.canary(kind: "DaemonSet") { c in
            c.spec.provider = "linkerd"
            c.spec.analysis?.threshold = 2
            c.spec.analysis?.stepWeight = 25
        }
        let e = try await Self.executor(h, canary, crds: ["smi-trafficsplit-crd-linkerd.yaml"],
                                        objects: [PlannerFixtures.podinfo(kind: "DaemonSet")] + PlannerFixtures.configs())
        for _ in 0..<5 where e.canary.status?.phase != .initialized { await e.run() }
        #expect(e.canary.status?.phase == .initialized, "\(e.plans.map(\.decision))")
        let parked = await e.get("apps/v1", "DaemonSet", "podinfo")
        #expect(parked?["spec", "template", "spec", "nodeSelector", Self.scaleToZero] == "true")
        let primary = await e.get("apps/v1", "DaemonSet", "podinfo-primary")
        #expect(primary?["spec", "template", "spec", "nodeSelector", Self.scaleToZero] == nil)
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 100, canary: 0))

        // A new revision: the selector is removed, the weights move.
        try await e.put(PlannerFixtures.podinfo(kind: "DaemonSet", image: "podinfo:6.0.1"))
        await e.run()
        #expect(e.canary.status?.phase == .progressing)
        #expect(await e.get("apps/v1", "DaemonSet", "podinfo")?["spec", "template", "spec", "nodeSelector", Self.scaleToZero] == nil)
        await e.run()
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 75, canary: 25))

        // Rollback parks the target again.
        e.probe.script(metric: "request-success-rate", default: .fail)
        for _ in 0..<4 where e.canary.status?.phase != .failed { await e.run() }
        #expect(e.canary.status?.phase == .failed)
        #expect(await e.get("apps/v1", "DaemonSet", "podinfo")?["spec", "template", "spec", "nodeSelector", Self.scaleToZero] == "true")
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 100, canary: 0))

        // Promotion copies the template without the selector.
        e.probe.script(metric: "request-success-rate", default: .pass)
        try await e.put(PlannerFixtures.podinfo(kind: "DaemonSet", image: "podinfo:6.0.2"))
        for _ in 0..<12 where e.canary.status?.phase != .succeeded { await e.run() }
        #expect(e.canary.status?.phase == .succeeded)
        let promoted = await e.get("apps/v1", "DaemonSet", "podinfo-primary")
        #expect(promoted?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "podinfo:6.0.2")
        #expect(promoted?["spec", "template", "spec", "nodeSelector", Self.scaleToZero] == nil)
        #expect(e.failures.isEmpty, "\(e.failures)")
        #expect(e.pruned.isEmpty, "\(e.pruned)")
    }

    /// `desiredNumberScheduled`, `currentNumberScheduled` and `numberReady` of a DaemonSet.
    static func scheduled(_ e: SandboxPlanExecutor, _ name: String) async -> [Int64] {
        let s = await e.get("apps/v1", "DaemonSet", name)?["status"]
        return ["desiredNumberScheduled", "currentNumberScheduled", "numberReady"].map { s?[$0]?.intValue ?? -1 }
    }

    @Test("DaemonSet pods follow the nodes: the scale-to-zero selector schedules none, the user's selector picks its nodes")
    func daemonSetScheduledCountsFollowNodes() async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        // Three nodes, two with SSDs; the DaemonSet runs on SSD nodes only.
        for (name, disk) in [("node-a", "ssd"), ("node-b", "ssd"), ("node-c", "hdd")] {
            let node = #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)","labels":{"kubernetes.io/hostname":"\#(name)","disk":"\#(disk)"}}}"#
            #expect(try h.request("POST", "/api/v1/nodes", body: node).status == 201)
        }
        func daemonSet(_ image: String) -> JSONValue {
            var ds = PlannerFixtures.podinfo(kind: "DaemonSet", image: image)
            ds.set(["disk": "ssd"], at: ["spec", "template", "spec", "nodeSelector"])
            return ds
        }
        let canary = PlannerFixtures.canary(kind: "DaemonSet") { c in
            c.spec.provider = "linkerd"
            c.spec.analysis?.stepWeight = 50
        }
        let e = try await Self.executor(h, canary, crds: ["smi-trafficsplit-crd-linkerd.yaml"],
                                        objects: [daemonSet("podinfo:6.0.0")] + PlannerFixtures.configs())
        #expect(await Self.scheduled(e, "podinfo") == [2, 2, 2])
        for _ in 0..<5 where e.canary.status?.phase != .initialized { await e.run() }
        #expect(e.canary.status?.phase == .initialized, "\(e.plans.map(\.decision))")
        // Parked: the scale-to-zero selector matches no node; the primary runs on the two SSD nodes.
        #expect(await Self.scheduled(e, "podinfo") == [0, 0, 0])
        #expect(await Self.scheduled(e, "podinfo-primary") == [2, 2, 2])
        #expect(await e.get("apps/v1", "DaemonSet", "podinfo-primary")?["spec", "template", "spec", "nodeSelector"] == ["disk": "ssd"])

        // A new revision scales the canary up on the SSD nodes; promotion parks it again.
        try await e.put(daemonSet("podinfo:6.0.1"))
        await e.run()
        #expect(e.canary.status?.phase == .progressing)
        #expect(await Self.scheduled(e, "podinfo") == [2, 2, 2])
        for _ in 0..<12 where e.canary.status?.phase != .succeeded { await e.run() }
        #expect(e.canary.status?.phase == .succeeded, "\(e.plans.map(\.decision))")
        #expect(await Self.scheduled(e, "podinfo") == [0, 0, 0])
        #expect(await Self.scheduled(e, "podinfo-primary") == [2, 2, 2])
        let primary = await e.get("apps/v1", "DaemonSet", "podinfo-primary")
        #expect(primary?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "podinfo:6.0.1")
        #expect(e.failures.isEmpty, "\(e.failures)")
    }

    @Test func daemonSetWithOnDeleteIsRefused() async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        var ds = PlannerFixtures.podinfo(kind: "DaemonSet")
        ds.set(["type": "OnDelete"], at: ["spec", "updateStrategy"])
        let e = try await Self.executor(h, PlannerFixtures.canary(kind: "DaemonSet") { $0.spec.provider = "linkerd" }, objects: [ds])
        await e.run()
        #expect(e.plans.last?.events.map(\.message).contains { $0.contains("must have RollingUpdate strategy but have OnDelete") } == true)
        #expect(await e.get("apps/v1", "DaemonSet", "podinfo-primary") == nil)
    }

    @Test func serviceTargetShiftsWeightsAndPromotesTheSpec() async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let canary = PlannerFixtures.canary(kind: "Service") { c in
            c.spec.targetRef.apiVersion = "v1"
            c.spec.provider = "traefik"
            c.spec.analysis?.stepWeight = 20
        }
        let svc: JSONValue = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "podinfo", "namespace": "default"],
                              "spec": ["selector": ["app": "podinfo"], "ports": [["name": "http", "port": 9898, "protocol": "TCP"]]]]
        let e = try await Self.executor(h, canary, crds: ["traefik-traefikservice-crd.yaml"], objects: [svc])
        await e.run()
        #expect(e.canary.status?.phase == .initialized, "\(e.plans.map(\.decision))")
        #expect(await e.get("v1", "Service", "podinfo-canary")?["spec", "selector"] == ["app": "podinfo"])
        #expect(await e.get("v1", "Service", "podinfo-primary")?["spec", "selector"] == ["app": "podinfo"])
        var changed = svc
        changed.set(["app": "podinfo-v2"], at: ["spec", "selector"])
        try await e.put(changed)
        var primaries: [Int] = []
        for _ in 0..<8 {
            await e.run()
            if e.canary.status?.phase != .progressing { break }
            primaries.append(await ProviderSandboxTests.routes(e)?.primary ?? -1)
        }
        #expect(primaries == [100, 80, 60, 40])
        await e.run()
        #expect(e.canary.status?.phase == .finalising)
        #expect(await e.get("v1", "Service", "podinfo-primary")?["spec", "selector"] == ["app": "podinfo-v2"])
        #expect(await e.get("v1", "Service", "podinfo-canary")?["spec", "selector"] == ["app": "podinfo-v2"])
        await e.run()
        #expect(e.canary.status?.phase == .succeeded)
        #expect(e.failures.isEmpty, "\(e.failures)")
    }

    @Test func kedaScaledObjectIsCopiedPausedAndResumed() async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let canary = PlannerFixtures.canary { c in
            c.spec.provider = "nginx"
            ProviderFixtures.configure(&c, provider: "nginx")
            c.spec.autoscalerRef = AutoscalerReference(apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", name: "podinfo-so")
        }
        let kedaCRD: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "scaledobjects.keda.sh"],
            "spec": ["group": "keda.sh", "scope": "Namespaced",
                     "names": ["plural": "scaledobjects", "singular": "scaledobject", "kind": "ScaledObject"],
                     "versions": [["name": "v1alpha1", "served": true, "storage": true,
                                   "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]],
        ]
        let so: JSONValue = [
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
            "metadata": ["name": "podinfo-so", "namespace": "default"],
            "spec": ["scaleTargetRef": ["name": "podinfo"], "minReplicaCount": 2, "maxReplicaCount": 5,
                     "triggers": [["type": "prometheus", "name": "rps",
                                   "metadata": ["serverAddress": "http://prometheus:9090", "threshold": "100",
                                                "query": "sum(rate(http_requests_total{deployment=\"podinfo-canary\",app=\"podinfo\"}[1m]))"]]]],
        ]
        let e = try await Self.executor(h, canary, objects: [kedaCRD, PlannerFixtures.podinfo(), so, ProviderFixtures.ingress()]
                                            + PlannerFixtures.configs())
        for _ in 0..<5 where e.canary.status?.phase != .initialized { await e.run() }
        #expect(e.canary.status?.phase == .initialized, "\(e.plans.map(\.decision))")
        let primary = await e.get("keda.sh/v1alpha1", "ScaledObject", "podinfo-so-primary")
        #expect(primary?["spec", "scaleTargetRef", "name"] == "podinfo-primary")
        #expect(primary?["spec", "triggers"]?.arrayValue?.first?["metadata", "query"]
                == "sum(rate(http_requests_total{deployment=\"podinfo-primary\",app=\"podinfo-primary\"}[1m]))")
        #expect(await e.get("keda.sh/v1alpha1", "ScaledObject", "podinfo-so")?["metadata", "annotations", "autoscaling.keda.sh/paused-replicas"] == "0")
        #expect(await e.get("apps/v1", "Deployment", "podinfo")?["spec", "replicas"] == 0)
        try await e.setImage("Deployment", "podinfo", "podinfo:6.0.1")
        await e.run()
        #expect(e.canary.status?.phase == .progressing)
        #expect(await e.get("keda.sh/v1alpha1", "ScaledObject", "podinfo-so")?["metadata", "annotations", "autoscaling.keda.sh/paused-replicas"] == nil)
        #expect(await e.get("apps/v1", "Deployment", "podinfo")?["spec", "replicas"] == 2)
        await e.run()
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 90, canary: 10))
        #expect(e.failures.isEmpty, "\(e.failures)")
    }
}

/// A Knative Service target on the Sandbox (Knative's published Service CRD + the Sandbox's revision controller).
@Suite struct ProviderSandboxKnativeTests {
    static func revisionAnnotation(_ e: SandboxPlanExecutor) async -> String? {
        await e.get("serving.knative.dev/v1", "Service", "podinfo")?["metadata", "annotations", "flagger.app/primary-revision"]?.stringValue
    }

    static func newRevision(_ e: SandboxPlanExecutor, image: String) async throws {
        let mapping = try await e.client.mapping(apiVersion: "serving.knative.dev/v1", kind: "Service")
        var o = try await e.client.get(mapping, namespace: "default", name: "podinfo")
        o.set([["image": .string(image)]], at: ["spec", "template", "spec", "containers"])
        _ = try await e.client.update(mapping, namespace: "default", name: "podinfo", object: o)
    }

    @Test func knativeServiceRelease() async throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let canary = PlannerFixtures.canary { c in
            c.spec.provider = "knative"
            ProviderFixtures.configure(&c, provider: "knative")
            c.spec.analysis?.threshold = 2
            c.spec.analysis?.stepWeight = 20
            c.spec.analysis?.maxWeight = 40
        }
        let ksvc: JSONValue = ["apiVersion": "serving.knative.dev/v1", "kind": "Service",
                               "metadata": ["name": "podinfo", "namespace": "default"],
                               "spec": ["template": ["spec": ["containers": [["image": "podinfo:6.0.0"]]]]]]
        let e = try await ProviderSandboxTargetTests.executor(h, canary, crds: ["knative-service-crd.yaml"], objects: [ksvc])
        #expect(await e.get("serving.knative.dev/v1", "Service", "podinfo")?["status", "latestCreatedRevisionName"] == "podinfo-00001")
        await e.run()
        #expect(e.canary.status?.phase == .initialized, "\(e.plans.map(\.decision)) \(e.plans.last?.events.map(\.message) ?? [])")
        #expect(await Self.revisionAnnotation(e) == "podinfo-00001")
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 100, canary: 0))
        #expect(await e.get("v1", "Service", "podinfo-canary") == nil)

        try await Self.newRevision(e, image: "podinfo:6.0.1")
        await e.run()
        #expect(e.canary.status?.phase == .progressing)
        await e.run()
        let traffic = await e.get("serving.knative.dev/v1", "Service", "podinfo")?["status", "traffic"]
        #expect(traffic == [["latestRevision": true, "percent": 20, "revisionName": "podinfo-00002"],
                            ["latestRevision": false, "percent": 80, "revisionName": "podinfo-00001"]])
        #expect(await e.get("serving.knative.dev/v1", "Service", "podinfo")?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "podinfo:6.0.1")

        e.probe.script(metric: "request-success-rate", default: .fail)
        for _ in 0..<4 where e.canary.status?.phase != .failed { await e.run() }
        #expect(e.canary.status?.phase == .failed)
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 100, canary: 0))
        #expect(await Self.revisionAnnotation(e) == "podinfo-00001")

        e.probe.script(metric: "request-success-rate", default: .pass)
        try await Self.newRevision(e, image: "podinfo:6.0.2")
        for _ in 0..<12 where e.canary.status?.phase != .succeeded { await e.run() }
        #expect(e.canary.status?.phase == .succeeded)
        #expect(await Self.revisionAnnotation(e) == "podinfo-00003")
        #expect(await ProviderSandboxTests.routes(e) == Routes(primary: 100, canary: 0))
        #expect(e.failures.isEmpty, "\(e.failures)")
        #expect(e.pruned.isEmpty, "\(e.pruned)")
    }
}
