import Resources

/// The ConfigMaps and Secrets a workload's pod template references (volumes, projected sources, `envFrom`,
/// `env[].valueFrom`), in every container list. Used for a canary's `-primary` configs and for the shard split.
public struct PodTemplateRefs: Sendable, Hashable {
    /// Referenced ConfigMap names.
    public var configMaps: Set<String> = []
    /// Referenced Secret names.
    public var secrets: Set<String> = []

    /// Collects the references of a workload object (`spec.template.spec`).
    public init(workload: JSONValue) {
        guard let pod = workload["spec", "template", "spec"] else { return }
        for volume in pod["volumes"]?.arrayValue ?? [] {
            if let n = volume["configMap", "name"]?.stringValue { configMaps.insert(n) }
            if let n = volume["secret", "secretName"]?.stringValue { secrets.insert(n) }
            for source in volume["projected", "sources"]?.arrayValue ?? [] {
                if let n = source["configMap", "name"]?.stringValue { configMaps.insert(n) }
                if let n = source["secret", "name"]?.stringValue { secrets.insert(n) }
            }
        }
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for container in pod[list]?.arrayValue ?? [] {
                for from in container["envFrom"]?.arrayValue ?? [] {
                    if let n = from["configMapRef", "name"]?.stringValue { configMaps.insert(n) }
                    if let n = from["secretRef", "name"]?.stringValue { secrets.insert(n) }
                }
                for env in container["env"]?.arrayValue ?? [] {
                    if let n = env["valueFrom", "configMapKeyRef", "name"]?.stringValue { configMaps.insert(n) }
                    if let n = env["valueFrom", "secretKeyRef", "name"]?.stringValue { secrets.insert(n) }
                }
            }
        }
    }
}
