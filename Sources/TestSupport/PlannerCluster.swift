import Foundation
import Planner
import Resources

/// A pure, in-memory stand-in for the cluster between planner runs: applies a plan's writes and status,
/// and simulates workload controllers (a Deployment or DaemonSet becomes ready when its spec is written,
/// unless a test holds it back).
public struct PlannerCluster: Sendable {
    /// Every object but the Canary.
    public var objects: [ObjectRef: JSONValue]
    /// The Canary.
    public var canary: Canary
    /// Workload names that do not become ready.
    public var unready: Set<String> = []
    /// Workload names whose Progressing condition reports ProgressDeadlineExceeded.
    public var deadlineExceeded: Set<String> = []
    /// Simulates Flagger's CRD: GitCanary's status fields are pruned by the API server on every status write.
    public var pruneGitCanaryStatus = false
    private var version = 1

    /// A cluster holding these objects and this Canary.
    public init(canary: Canary, objects: [JSONValue]) {
        self.canary = canary
        self.objects = [:]
        for o in objects { put(o) }
        self.canary.metadata.resourceVersion = "1"
    }

    /// The object of a kind and name.
    public func object(_ kind: String, _ name: String) -> JSONValue? {
        objects.first { $0.key.kind == kind && $0.key.name == name }?.value
    }

    /// Stores an object, bumping generation when the spec changed, and runs the workload simulation.
    public mutating func put(_ object: JSONValue) {
        var o = object
        let ref = Manifest(object: o).ref
        let existing = objects[ref]
        version += 1
        o.set(.string(String(version)), at: ["metadata", "resourceVersion"])
        let gen = existing?["metadata", "generation"]?.intValue ?? 0
        o.set(.int(existing?["spec"] == o["spec"] ? max(gen, 1) : gen + 1), at: ["metadata", "generation"])
        if o["status"] == nil, let s = existing?["status"] { o["status"] = s }
        objects[ref] = o
        simulateController(ref)
    }

    /// Applies a plan: writes in order, then the status.
    public mutating func apply(_ plan: CanaryPlan) {
        for w in plan.writes {
            switch w.action {
            case .apply(let object):
                let ref = Manifest(object: object).ref
                var merged = objects[ref].map { Self.mergePatch($0, object) } ?? object
                // Server-side apply of a whole object owned by the rollout: desired spec replaces the spec.
                if let spec = object["spec"] { merged["spec"] = spec }
                put(merged)
            case .patch(let ref, let patch):
                if ref.kind == "Canary" {
                    if let f = patch["metadata", "finalizers"]?.arrayValue {
                        canary.metadata.finalizers = f.compactMap(\.stringValue)
                    }
                    continue
                }
                if let existing = objects[ref] { put(Self.mergePatch(existing, patch)) }
            case .delete(let ref):
                objects[ref] = nil
            }
        }
        if var s = plan.statusUpdate {
            if pruneGitCanaryStatus {
                s.revision = nil
                s.lastStepTime = nil
                s.phaseStartTime = nil
                s.mirrored = nil
                s.failedRevision = nil
                s.checks = nil
                s.counters = nil
            }
            canary.status = s
            version += 1
            canary.metadata.resourceVersion = String(version)
        }
    }

    /// Marks a workload ready or not and re-runs the controller simulation.
    public mutating func setReady(_ name: String, _ ready: Bool) {
        if ready { unready.remove(name) } else { unready.insert(name) }
        if let ref = objects.keys.first(where: { $0.name == name && ($0.kind == "Deployment" || $0.kind == "DaemonSet") }) {
            simulateController(ref)
        }
    }

    /// Changes the target's pod template (a new revision), e.g. its first container's image.
    public mutating func setImage(_ workload: String, _ image: String) {
        guard let ref = objects.keys.first(where: { $0.name == workload && ($0.kind == "Deployment" || $0.kind == "DaemonSet") }),
              var o = objects[ref], var containers = o["spec", "template", "spec", "containers"]?.arrayValue,
              !containers.isEmpty else { return }
        containers[0]["image"] = .string(image)
        o.set(.array(containers), at: ["spec", "template", "spec", "containers"])
        put(o)
    }

    /// Changes a ConfigMap's or Secret's data.
    public mutating func setData(_ kind: String, _ name: String, _ data: JSONValue) {
        guard var o = object(kind, name) else { return }
        o["data"] = data
        put(o)
    }

    mutating func simulateController(_ ref: ObjectRef) {
        guard var o = objects[ref], ref.kind == "Deployment" || ref.kind == "DaemonSet" else { return }
        let gen = o["metadata", "generation"] ?? 1
        if ref.kind == "DaemonSet" {
            let parked = o["spec", "template", "spec", "nodeSelector", PrimaryWorkloadKeys.scaleToZero] != nil
            let n: Int64 = unready.contains(ref.name) ? 0 : (parked ? 0 : 1)
            o["status"] = ["observedGeneration": gen, "desiredNumberScheduled": parked ? 0 : 1,
                           "updatedNumberScheduled": .int(n), "numberAvailable": .int(n)]
        } else {
            let replicas = o["spec", "replicas"]?.intValue ?? 1
            let ready = unready.contains(ref.name) ? 0 : replicas
            var conditions: [JSONValue] = [["type": "Available", "status": ready == replicas ? "True" : "False",
                                            "reason": ready == replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"]]
            conditions.append(["type": "Progressing", "status": "True",
                               "reason": deadlineExceeded.contains(ref.name) ? "ProgressDeadlineExceeded" : "NewReplicaSetAvailable"])
            o["status"] = ["observedGeneration": gen, "replicas": .int(replicas), "updatedReplicas": .int(ready),
                           "availableReplicas": .int(ready), "readyReplicas": .int(ready), "conditions": .array(conditions)]
        }
        objects[ref] = o
    }

    /// RFC 7386 JSON merge patch.
    public static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        for (k, v) in p {
            if v.isNull { result[k] = nil } else { result[k] = mergePatch(result[k] ?? .null, v) }
        }
        return .object(result)
    }
}

/// Keys shared with the Planner's generated objects.
public enum PrimaryWorkloadKeys {
    /// The DaemonSet parking node selector.
    public static let scaleToZero = "flagger.app/scale-to-zero"
}
