import Planner
import Resources

/// Manifests and helpers shared by the sync planner tests.
enum SyncFixtures {
    static let source = "apps"

    static func decode(_ yaml: String, file: String = "repo/apps.yaml") -> [Manifest] {
        do {
            return try ManifestDecoder().decode(yaml: yaml, file: file)
        } catch {
            Issue.record("fixture does not decode: \(error)")
            return []
        }
    }

    /// A small repository: a CRD, a Namespace, a canary with its target, configs, HPA and template, plus extras.
    static let repo = """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata: {name: podinfo, namespace: prod}
        spec:
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
          autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo}
          service: {port: 9898}
          analysis:
            interval: 1m
            metrics:
            - name: error-rate
              templateRef: {name: error-rate, namespace: prod}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: podinfo, namespace: prod}
        spec:
          replicas: 3
          selector: {matchLabels: {app: podinfo}}
          template:
            metadata: {labels: {app: podinfo}}
            spec:
              containers:
              - name: podinfo
                image: ghcr.io/stefanprodan/podinfo:6.0.0
                ports: [{containerPort: 9898, name: http}]
                resources: {limits: {cpu: 1000m, memory: 1Gi}, requests: {cpu: 100m}}
                envFrom: [{configMapRef: {name: podinfo-config}}]
                env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: podinfo-token, key: token}}}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: podinfo-config, namespace: prod}
        data: {color: blue}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: podinfo-token, namespace: prod}
        type: Opaque
        data: {token: c2VjcmV0LXZhbHVlLTE=}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: podinfo, namespace: prod}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
          minReplicas: 2
          maxReplicas: 4
        ---
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata: {name: error-rate, namespace: prod}
        spec: {provider: {type: prometheus, address: "http://prometheus:9090"}, query: "1"}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: backend, namespace: prod}
        spec:
          selector: {app: backend}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
          versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: gizmo, namespace: prod}
        spec: {size: 3}
        """

    static func options(prune: Bool = false, shard: SyncShard = .single) -> SyncOptions {
        SyncOptions(prune: prune, sourceName: source, shard: shard)
    }

    /// What the API server would hold after applying every `apply` entry: the body plus server fields and defaults.
    static func liveState(after plan: SyncPlan, mutate: (SyncKey, inout JSONValue) -> Void = { _, _ in }) -> SyncLiveState {
        var live = SyncLiveState()
        for entry in plan.entries {
            guard case .apply(var body) = entry.action else { continue }
            body.set("12345", at: ["metadata", "resourceVersion"])
            body.set("2026-11-22T00:00:00Z", at: ["metadata", "creationTimestamp"])
            body.set(["observedGeneration": 1], at: ["status"])
            if entry.ref.kind == "Deployment" {
                body.set(.int(3), at: ["spec", "replicas"])  // set by the rollout's manager
                body.set(.int(10), at: ["spec", "revisionHistoryLimit"])  // a server default
            }
            mutate(entry.key, &body)
            body["apiVersion"] = nil  // LIST items carry no apiVersion/kind
            body["kind"] = nil
            live.add(apiVersion: entry.ref.apiVersion, kind: entry.ref.kind, items: [body])
        }
        return live
    }

    static func key(_ group: String, _ kind: String, _ ns: String, _ name: String) -> SyncKey {
        SyncKey(group: group, kind: kind, namespace: ns, name: name)
    }

    static func body(_ plan: SyncPlan, _ kind: String, _ name: String) -> JSONValue? {
        for e in plan.entries where e.ref.kind == kind && e.ref.name == name {
            if case .apply(let b) = e.action { return b }
        }
        return nil
    }
}

import Testing
