import Foundation
import Resources

/// The annotations on a pod template that steer the simulation.
public enum SandboxAnnotations {
    /// `"false"`: pods never become ready (a Deployment then hits ProgressDeadlineExceeded).
    public static let ready = "sandbox.gitcanary.dev/ready"
    /// Percentage of successful requests the workload serves (default 100).
    public static let successRate = "sandbox.gitcanary.dev/success-rate"
    /// Request latency in milliseconds (default 50).
    public static let latencyMilliseconds = "sandbox.gitcanary.dev/latency-ms"
}

/// Deployment and DaemonSet status, computed synchronously from the spec, the rollout start and the clock.
enum WorkloadController {
    static func templateHash(_ template: JSONValue?) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in JSONWriter.bytes(template ?? .null, options: .canonical) {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var out = ""
        for _ in 0..<10 {
            out.append(alphabet[Int(hash % UInt64(alphabet.count))])
            hash /= UInt64(alphabet.count)
        }
        return out
    }

    static func templateIsReady(_ obj: JSONValue) -> Bool {
        obj["spec", "template", "metadata", "annotations", SandboxAnnotations.ready]?.stringValue != "false"
    }

    /// A condition, keeping the old transition time when the status did not change.
    static func condition(
        _ type: String, _ status: String, _ reason: String, _ message: String, old: [JSONValue], now: String,
        updateTime: String? = nil
    ) -> JSONValue {
        let previous = old.first { $0["type"]?.stringValue == type }
        let sameStatus = previous?["status"]?.stringValue == status
        let sameReason = previous?["reason"]?.stringValue == reason
        var c = JSONObject()
        c["type"] = .string(type)
        c["status"] = .string(status)
        c["lastUpdateTime"] = .string(
            updateTime ?? ((sameStatus && sameReason) ? previous?["lastUpdateTime"]?.stringValue ?? now : now))
        c["lastTransitionTime"] = .string(sameStatus ? previous?["lastTransitionTime"]?.stringValue ?? now : now)
        c["reason"] = .string(reason)
        c["message"] = .string(message)
        return .object(c)
    }

    static func deploymentStatus(_ obj: JSONValue, rollout: Cluster.Rollout, now: Date) -> JSONValue {
        let name = obj["metadata", "name"]?.stringValue ?? ""
        let replicas = obj["spec", "replicas"]?.intValue ?? 1
        let ready = templateIsReady(obj)
        let rs = "\(name)-\(rollout.templateHash)"
        let nowText = Timestamp.string(now)
        let oldConditions = obj["status", "conditions"]?.arrayValue ?? []
        var s = JSONObject()
        s["observedGeneration"] = obj["metadata", "generation"] ?? 1
        s["replicas"] = .int(replicas)
        s["updatedReplicas"] = .int(replicas)
        let available = ready ? replicas : 0
        if available > 0 {
            s["readyReplicas"] = .int(available)
            s["availableReplicas"] = .int(available)
        }
        if replicas - available > 0 { s["unavailableReplicas"] = .int(replicas - available) }
        let availableCondition =
            (ready || replicas == 0)
            ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                        old: oldConditions, now: nowText)
            : condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.",
                        old: oldConditions, now: nowText)
        let deadline = Double(obj["spec", "progressDeadlineSeconds"]?.intValue ?? 600)
        let progressing: JSONValue
        if obj["spec", "paused"]?.boolValue == true {
            progressing = condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused",
                                    old: oldConditions, now: nowText)
        } else if ready || replicas == 0 {
            progressing = condition("Progressing", "True", "NewReplicaSetAvailable",
                                    "ReplicaSet \"\(rs)\" has successfully progressed.", old: oldConditions, now: nowText)
        } else if now.timeIntervalSince(rollout.started) > deadline {
            progressing = condition("Progressing", "False", "ProgressDeadlineExceeded",
                                    "ReplicaSet \"\(rs)\" has timed out progressing.", old: oldConditions, now: nowText)
        } else {
            progressing = condition("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"\(rs)\" is progressing.",
                                    old: oldConditions, now: nowText, updateTime: Timestamp.string(rollout.started))
        }
        s["conditions"] = [availableCondition, progressing]
        return .object(s)
    }

    /// The labels of the nodes DaemonSets schedule on: the stored Node objects', else `count` simulated nodes
    /// labelled `kubernetes.io/hostname: sandbox-node-<i>`, `kubernetes.io/os: linux`, `kubernetes.io/arch: amd64`.
    static func nodeLabels(_ objects: ObjectStore, count: Int) -> [[String: String]] {
        let stored = objects.keys(group: "", resource: "nodes").sorted().compactMap { objects[$0] }
            .filter { $0["metadata", "deletionTimestamp"] == nil }
        if !stored.isEmpty {
            return stored.map { node in
                var labels: [String: String] = [:]
                for (k, v) in node["metadata", "labels"]?.objectValue ?? JSONObject() { labels[k] = v.stringValue }
                return labels
            }
        }
        return (0..<max(count, 0)).map {
            ["kubernetes.io/hostname": "sandbox-node-\($0)", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"]
        }
    }

    /// A DaemonSet's status: one pod per node matching `spec.template.spec.nodeSelector` (so Flagger's
    /// scale-to-zero selector, which no node carries, gives 0 scheduled pods), all ready unless the template says
    /// `sandbox.gitcanary.dev/ready: "false"`.
    static func daemonSetStatus(_ obj: JSONValue, nodes: [[String: String]]) -> JSONValue {
        let selector = obj["spec", "template", "spec", "nodeSelector"]?.objectValue ?? JSONObject()
        let scheduled = Int64(nodes.filter { labels in selector.allSatisfy { labels[$0.key] == $0.value.stringValue } }.count)
        let ready = templateIsReady(obj) ? scheduled : 0
        var s = JSONObject()
        s["currentNumberScheduled"] = .int(scheduled)
        s["desiredNumberScheduled"] = .int(scheduled)
        s["numberMisscheduled"] = 0
        s["numberReady"] = .int(ready)
        s["observedGeneration"] = obj["metadata", "generation"] ?? 1
        s["updatedNumberScheduled"] = .int(scheduled)
        if ready > 0 { s["numberAvailable"] = .int(ready) }
        if scheduled - ready > 0 { s["numberUnavailable"] = .int(scheduled - ready) }
        return .object(s)
    }

    static func crdStatus(_ obj: JSONValue, now: String) -> JSONValue {
        let old = obj["status", "conditions"]?.arrayValue ?? []
        let storage = (obj["spec", "versions"]?.arrayValue ?? []).filter { $0["storage"]?.boolValue == true }
            .compactMap { $0["name"] }
        var stored = obj["status", "storedVersions"]?.arrayValue ?? []
        for v in storage where !stored.contains(v) { stored.append(v) }
        var accepted = obj["spec", "names"] ?? .object(JSONObject())
        if accepted["singular"] == nil, let kind = accepted["kind"]?.stringValue {
            accepted["singular"] = .string(kind.lowercased())
        }
        if accepted["listKind"] == nil, let kind = accepted["kind"]?.stringValue { accepted["listKind"] = .string("\(kind)List") }
        func cond(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            var c = condition(type, "True", reason, message, old: old, now: now).objectValue ?? JSONObject()
            c["lastUpdateTime"] = nil
            return .object(c)
        }
        return [
            "conditions": [
                cond("NamesAccepted", "NoConflicts", "no conflicts found"),
                cond("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ],
            "acceptedNames": accepted,
            "storedVersions": .array(stored),
        ]
    }
}

extension Cluster {
    /// Runs the synchronous controllers on an object about to be stored.
    mutating func runControllers(_ t: ResourceType, key: StoreKey, old: JSONValue?, object obj: inout JSONValue) {
        switch (t.group, t.resource) {
        case ("apps", "deployments"):
            let hash = WorkloadController.templateHash(obj["spec", "template"])
            var revision = Int(old?["metadata", "annotations", "deployment.kubernetes.io/revision"]?.stringValue ?? "") ?? 0
            if rollouts[key]?.templateHash != hash {
                rollouts[key] = Rollout(templateHash: hash, started: now)
                revision += 1
            }
            obj.set(.string(String(max(revision, 1))), at: ["metadata", "annotations", "deployment.kubernetes.io/revision"])
            if let rollout = rollouts[key] {
                obj["status"] = WorkloadController.deploymentStatus(obj, rollout: rollout, now: now)
            }
        case ("apps", "daemonsets"):
            obj["status"] = WorkloadController.daemonSetStatus(obj, nodes: WorkloadController.nodeLabels(objects, count: nodeCount))
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            obj["status"] = WorkloadController.crdStatus(obj, now: nowString)
        case ("serving.knative.dev", "services"):
            obj["status"] = KnativeController.serviceStatus(obj, old: old, now: nowString)
        default:
            break
        }
    }
}
