import Foundation
import Planner
import Resources

/// Fixtures of the upstream controller tests (flagger-behaviour.md §9): the `podinfo` Deployment with its
/// ConfigMaps, Secrets and HPA, and Canaries around it.
public enum PlannerFixtures {
    /// The start of the stepped clock.
    public static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    /// A fixed commit.
    public static let commitA = "aaaaaaa1111111111111111111111111111111aa"
    /// Another commit.
    public static let commitB = "bbbbbbb2222222222222222222222222222222bb"
    /// Deterministic random values.
    public static let random = RandomValues(flaggerID: "00000000-0000-4000-8000-000000000001",
                                            canaryCookie: "abcdefghij", primaryCookie: "klmnopqrst")

    /// The `podinfo` Deployment (or DaemonSet): ports http 9898, http-metrics 8080 and an unnamed 8888; config
    /// from env, envFrom and volumes.
    public static func podinfo(kind: String = "Deployment", name: String = "podinfo", image: String = "podinfo:6.0.0",
                               selectorLabel: String = "app") -> JSONValue {
        var spec: JSONValue = [
            "selector": ["matchLabels": [selectorLabel: .string(name)]],
            "template": [
                "metadata": ["labels": [selectorLabel: .string(name)], "annotations": ["prometheus.io/scrape": "true"]],
                "spec": [
                    "containers": [[
                        "name": "podinfo", "image": .string(image),
                        "ports": [["name": "http", "containerPort": 9898], ["name": "http-metrics", "containerPort": 8080],
                                  ["containerPort": 8888]],
                        "env": [
                            ["name": "ENV_VAR", "valueFrom": ["configMapKeyRef": ["name": "podinfo-config-env", "key": "color"]]],
                            ["name": "SECRET_VAR", "valueFrom": ["secretKeyRef": ["name": "podinfo-secret-env", "key": "token"]]],
                        ],
                        "envFrom": [["configMapRef": ["name": "podinfo-config-all"]]],
                        "volumeMounts": [["name": "config", "mountPath": "/etc/podinfo"]],
                    ]],
                    "volumes": [["name": "config", "configMap": ["name": "podinfo-config-vol"]]],
                ],
            ],
        ]
        if kind == "Deployment" {
            spec["replicas"] = 1
            spec["strategy"] = ["type": "RollingUpdate"]
        } else {
            spec["updateStrategy"] = ["type": "RollingUpdate"]
        }
        return [
            "apiVersion": "apps/v1", "kind": .string(kind),
            "metadata": ["name": .string(name), "namespace": "default", "labels": [selectorLabel: .string(name)],
                         "annotations": ["kustomize.toolkit.fluxcd.io/checksum": "x", "team": "web"]],
            "spec": spec,
        ]
    }

    /// ConfigMaps and Secrets used by ``podinfo(kind:name:image:selectorLabel:)``.
    public static func configs() -> [JSONValue] {
        [
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "podinfo-config-env", "namespace": "default"],
             "data": ["color": "red"]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "podinfo-config-all", "namespace": "default"],
             "data": ["a": "1"]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "podinfo-config-vol", "namespace": "default"],
             "data": ["file": "x"]],
            ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "podinfo-secret-env", "namespace": "default"],
             "type": "Opaque", "data": ["token": "c2VjcmV0"]],
        ]
    }

    /// The `podinfo` HPA.
    public static func hpa() -> JSONValue {
        ["apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
         "metadata": ["name": "podinfo", "namespace": "default"],
         "spec": ["scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"],
                  "minReplicas": 2, "maxReplicas": 4,
                  "metrics": [["type": "Resource",
                               "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 99]]]]]]
    }

    /// A Canary for `podinfo`: interval 1m, threshold 10, the two builtin metrics, stepWeight 10, maxWeight 50.
    public static func canary(kind: String = "Deployment", configure: (inout Canary) -> Void = { _ in }) -> Canary {
        var analysis = CanaryAnalysis(interval: "1m", threshold: 10)
        analysis.stepWeight = 10
        analysis.maxWeight = 50
        var sr = CanaryMetric(name: "request-success-rate")
        sr.thresholdRange = ThresholdRange(min: 99)
        var rd = CanaryMetric(name: "request-duration")
        rd.thresholdRange = ThresholdRange(max: 500)
        analysis.metrics = [sr, rd]
        var spec = CanarySpec(targetRef: LocalObjectReference(apiVersion: "apps/v1", kind: kind, name: "podinfo"),
                              service: CanaryService(port: 9898), analysis: analysis)
        spec.autoscalerRef = nil
        var meta = ObjectMeta(name: "podinfo", namespace: "default")
        meta.uid = "11111111-2222-3333-4444-555555555555"
        var c = Canary(metadata: meta, spec: spec)
        configure(&c)
        return c
    }

    /// A webhook of a type.
    public static func hook(_ name: String, _ type: String?) -> CanaryWebhook {
        CanaryWebhook(name: name, url: "http://flagger-loadtester.test/\(name)", type: type)
    }
}

/// A scenario: the cluster, a stepped clock and a scripted probe; each ``run()`` plans, applies and records.
public final class PlannerScenario: @unchecked Sendable {
    /// The simulated cluster.
    public var cluster: PlannerCluster
    /// The clock.
    public var now: Date
    /// The probe.
    public let probe = ScriptedProbe()
    /// Settings.
    public var settings = PlannerSettings()
    /// The revision of the next run.
    public var revision = GitRevision(commit: PlannerFixtures.commitA, ref: "main")
    /// Every plan so far.
    public private(set) var plans: [CanaryPlan] = []

    /// A scenario with these objects.
    public init(canary: Canary, objects: [JSONValue], now: Date = PlannerFixtures.epoch) {
        self.cluster = PlannerCluster(canary: canary, objects: objects)
        self.now = now
    }

    /// The standard podinfo scenario (Deployment + configs).
    public convenience init(_ configure: (inout Canary) -> Void = { _ in }, provider: String? = nil, hpa: Bool = false) {
        let c = PlannerFixtures.canary { c in
            c.spec.provider = provider
            if hpa {
                c.spec.autoscalerRef = AutoscalerReference(apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler",
                                                           name: "podinfo")
            }
            configure(&c)
        }
        var objects = [PlannerFixtures.podinfo()] + PlannerFixtures.configs()
        if hpa { objects.append(PlannerFixtures.hpa()) }
        self.init(canary: c, objects: objects)
    }

    /// The input of a run now.
    public func input() -> PlanInput {
        PlanInput(canary: cluster.canary, observed: cluster.objects, now: now, revision: revision, settings: settings,
                  random: PlannerFixtures.random)
    }

    /// Plans without applying.
    public func plan() async -> CanaryPlan { await Planner.plan(input(), probe: probe) }

    /// Plans, applies, and advances the clock by `advance` seconds (default: the analysis interval).
    @discardableResult
    public func run(advance: Double? = nil) async -> CanaryPlan {
        let p = await Planner.plan(input(), probe: probe)
        cluster.apply(p)
        plans.append(p)
        now = now.addingTimeInterval(advance ?? cluster.canary.intervalSeconds)
        return p
    }

    /// Runs until initialized (at most 5 runs).
    public func initialize() async {
        for _ in 0..<5 where phase != .initialized { await run() }
    }

    /// The status phase.
    public var phase: CanaryPhase { cluster.canary.status?.phase ?? .none }
    /// The status canary weight.
    public var weight: Int { cluster.canary.status?.canaryWeight ?? 0 }
    /// The status iterations.
    public var iterations: Int { cluster.canary.status?.iterations ?? 0 }
    /// The target's replicas.
    public var targetReplicas: Int? { cluster.object("Deployment", "podinfo")?["spec", "replicas"]?.intValue.map(Int.init) }
    /// (primary, canary) weights of the VirtualService as applied.
    public var vsWeights: (Int, Int)? {
        guard let vs = cluster.object("VirtualService", cluster.canary.apexName),
              let route = vs["spec", "http"]?.arrayValue?.last?["route"]?.arrayValue, route.count == 2 else { return nil }
        return (Int(route[0]["weight"]?.intValue ?? -1), Int(route[1]["weight"]?.intValue ?? -1))
    }
    /// Whether the VirtualService mirrors.
    public var vsMirrored: Bool {
        cluster.object("VirtualService", cluster.canary.apexName)?["spec", "http"]?.arrayValue?.last?["mirror"] != nil
    }
    /// Event messages of every plan so far.
    public var eventMessages: [String] { plans.flatMap { $0.events.map(\.message) } }
}
