/// Rules for the workloads a Canary targets (Deployment, DaemonSet, StatefulSet, ReplicaSet): API versions the API
/// server no longer serves, and replica counts it cannot store.
enum WorkloadRules {
    static let kinds: Set<String> = ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"]
    /// Workload API versions removed in Kubernetes 1.16.
    static let removedVersions: Set<String> = ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"]
    /// Kubernetes stores replica counts as int32.
    static let maxReplicas = 2_147_483_647.0

    static func check(_ object: JSONValue) -> [Problem] {
        guard let kind = object["kind"]?.stringValue, kinds.contains(kind) else { return [] }
        var out: [Problem] = []
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        if removedVersions.contains(apiVersion) {
            out.append(
                .error(.workloadAPIVersion, "apiVersion",
                    "\(apiVersion) \(kind) is no longer served (removed in Kubernetes 1.16); the API server rejects it: set apiVersion: apps/v1 and give spec.selector.matchLabels matching the pod template's labels (apps/v1 requires a selector)"))
        }
        if kind != "DaemonSet", let replicas = object["spec", "replicas"] {
            let path = "spec.replicas"
            switch replicas {
            case .int(let i) where i >= 0 && Double(i) <= maxReplicas: break
            case .int, .double:
                let d = replicas.doubleValue ?? 0
                if d.rounded() != d {
                    out.append(.error(.workloadReplicas, path, "replicas must be a whole number, found \(JSONWriter.formatDouble(d))"))
                } else {
                    out.append(
                        .error(.workloadReplicas, path,
                            "replicas \(CanaryRules.formatWhole(d)) is out of range: Kubernetes stores replicas as a 32-bit integer (0 to 2147483647); set a realistic count"))
                }
            case .null: break
            default:
                out.append(.error(.workloadReplicas, path, "replicas must be a whole number, found \(describe(replicas))"))
            }
        }
        return out
    }
}
