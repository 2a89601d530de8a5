import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// The objects of the initialization plan: primary workload (renamed config references), `-primary` configs,
/// services apex/-primary/-canary, primary HPA (flagger-behaviour.md §5.1, §5.3, §5.7, §6.1).
@Suite struct BootstrapGoldenTests {
    static func initObjects(_ s: PlannerScenario) async -> [JSONValue] {
        var objects: [JSONValue] = []
        for _ in 0..<2 {
            let p = await s.run()
            for w in p.writes where w.intent == .change {
                if case .apply(let o) = w.action, !["VirtualService", "DestinationRule"].contains(Manifest(object: o).kind) {
                    objects.append(o)
                }
            }
        }
        return objects.sorted { Manifest(object: $0).ref < Manifest(object: $1).ref }
    }

    @Test func deploymentWithHPA() async {
        let s = PlannerScenario({ c in
            c.spec.autoscalerRef?.primaryScalerReplicas = ScalerReplicas(minReplicas: 3, maxReplicas: 6)
        }, provider: "kubernetes", hpa: true)
        s.settings.includeLabelPrefix = ["app"]
        // An anti-affinity on the target's own pods is renamed to the primary's.
        var target = s.cluster.object("Deployment", "podinfo") ?? .null
        target.set(["podAntiAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [
            ["topologyKey": "kubernetes.io/hostname", "labelSelector": ["matchLabels": ["app": "podinfo"]]]]]],
                   at: ["spec", "template", "spec", "affinity"])
        s.cluster.put(target)
        let objects = await Self.initObjects(s)
        #expect(s.phase == .initialized)
        GoldenFile.check(objects, "kubernetes/init-deployment-hpa")
        let kinds = objects.map { Manifest(object: $0).kind + "/" + Manifest(object: $0).name }
        #expect(kinds.contains("Deployment/podinfo-primary"))
        #expect(kinds.contains("HorizontalPodAutoscaler/podinfo-primary"))
        #expect(kinds.contains("ConfigMap/podinfo-config-env-primary"))
        #expect(kinds.contains("Secret/podinfo-secret-env-primary"))
        #expect(kinds.contains("Service/podinfo"))
        let primary = objects.first { Manifest(object: $0).name == "podinfo-primary" && Manifest(object: $0).kind == "Deployment" }
        #expect(primary?["metadata", "annotations", "kustomize.toolkit.fluxcd.io/checksum"] == nil)
        #expect(primary?["spec", "template", "metadata", "annotations", "flagger-id"] == JSONValue.string(PlannerFixtures.random.flaggerID))
        #expect(primary?["spec", "selector", "matchLabels"] == ["app": "podinfo-primary"])
    }

    @Test func servicesWithPortDiscoveryHeadless() async {
        let s = PlannerScenario({ c in
            c.spec.service.portDiscovery = true
            c.spec.service.headless = true
            c.spec.service.appProtocol = "http"
            c.spec.service.trafficDistribution = "PreferClose"
            c.spec.service.canary = CustomMetadata(labels: ["tier": "canary"], annotations: ["a": "b"])
        }, provider: "kubernetes")
        let objects = await Self.initObjects(s).filter { Manifest(object: $0).kind == "Service" }
        GoldenFile.check(objects, "kubernetes/services-port-discovery")
        #expect(objects.count == 3)
        #expect(objects.allSatisfy { $0["spec", "clusterIP"] == "None" && $0["spec", "trafficDistribution"] == "PreferClose" })
    }

    @Test func daemonSetPrimary() async {
        let c = PlannerFixtures.canary(kind: "DaemonSet") { $0.spec.provider = "kubernetes" }
        var ds = PlannerFixtures.podinfo(kind: "DaemonSet")
        ds.set(["disk": "ssd"], at: ["spec", "template", "spec", "nodeSelector"])
        let s = PlannerScenario(canary: c, objects: [ds] + PlannerFixtures.configs())
        let objects = await Self.initObjects(s).filter { Manifest(object: $0).kind == "DaemonSet" }
        GoldenFile.check(objects, "kubernetes/init-daemonset")
        #expect(objects.first?["spec", "template", "spec", "nodeSelector"] == ["disk": "ssd"])
    }

    @Test func configTrackingDisabledPerObject() async {
        let s = PlannerScenario()
        var cm = s.cluster.object("ConfigMap", "podinfo-config-vol") ?? .null
        cm.set(["flagger.app/config-tracking": "disabled"], at: ["metadata", "annotations"])
        s.cluster.put(cm)
        await s.initialize()
        #expect(s.cluster.object("ConfigMap", "podinfo-config-vol-primary") == nil)
        #expect(s.cluster.object("ConfigMap", "podinfo-config-env-primary") != nil)
        let volumes = s.cluster.object("Deployment", "podinfo-primary")?["spec", "template", "spec", "volumes"]?.arrayValue
        #expect(volumes?.first?["configMap", "name"] == "podinfo-config-vol")
        #expect(s.cluster.canary.status?.trackedConfigs?["configmap/podinfo-config-vol"] == nil)
    }

    @Test func configTrackingDisabledGlobally() async {
        let s = PlannerScenario()
        s.settings.configTracking = false
        await s.initialize()
        #expect(s.cluster.object("ConfigMap", "podinfo-config-env-primary") == nil)
        #expect(s.cluster.canary.status?.trackedConfigs == nil)
    }

    @Test func kedaScaledObject() async {
        let so: JSONValue = [
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
            "metadata": ["name": "podinfo-so", "namespace": "default", "labels": ["app": "podinfo"]],
            "spec": ["scaleTargetRef": ["name": "podinfo"], "pollingInterval": 10, "cooldownPeriod": 20,
                     "minReplicaCount": 2, "maxReplicaCount": 5,
                     "advanced": ["horizontalPodAutoscalerConfig": ["name": "podinfo-hpa"]],
                     "triggers": [["type": "prometheus", "name": "rps",
                                   "metadata": ["serverAddress": "http://prometheus:9090", "threshold": "100",
                                                "query": "sum(rate(http_requests_total{deployment=\"podinfo-canary\",app=\"podinfo\"}[1m]))"]]]],
        ]
        let c = PlannerFixtures.canary { c in
            c.spec.provider = "kubernetes"
            c.spec.autoscalerRef = AutoscalerReference(apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", name: "podinfo-so")
        }
        let s = PlannerScenario(canary: c, objects: [PlannerFixtures.podinfo(), so] + PlannerFixtures.configs())
        let objects = await Self.initObjects(s).filter { Manifest(object: $0).kind == "ScaledObject" }
        GoldenFile.check(objects, "kubernetes/keda-scaledobject")
        #expect(objects.first?["spec", "triggers"]?.arrayValue?.first?["metadata", "query"] ==
            "sum(rate(http_requests_total{deployment=\"podinfo-primary\",app=\"podinfo-primary\"}[1m]))")
        #expect(objects.first?["spec", "advanced", "horizontalPodAutoscalerConfig", "name"] == "podinfo-hpa-primary")
        // The target's ScaledObject is paused while the target is parked, resumed for a new revision.
        #expect(s.cluster.object("ScaledObject", "podinfo-so")?["metadata", "annotations", "autoscaling.keda.sh/paused-replicas"] == "0")
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        #expect(s.phase == .progressing)
        #expect(s.cluster.object("ScaledObject", "podinfo-so")?["metadata", "annotations", "autoscaling.keda.sh/paused-replicas"] == nil)
        #expect(s.targetReplicas == 2)
    }
}
