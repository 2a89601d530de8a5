import Resources

/// The parts of a Canary the sync reasons about (target, apex name, autoscaler, ingress, referenced templates and
/// alert providers), read straight from its JSON with Flagger's defaults, so that planning 1,000 canaries needs no
/// full typed decode. Derivations follow `Canary`'s (`targetKind`, `apexName`, `primaryName`).
public struct SyncCanary: Sendable, Hashable {
    /// The namespace.
    public var namespace: String
    /// The name.
    public var name: String
    /// The target kind: `Deployment` (also for unknown kinds, as Flagger), `DaemonSet` or `Service`.
    public var targetKind: String
    /// The target's name.
    public var targetName: String
    /// The apex service name: `service.name`, else the target's name.
    public var apexName: String
    /// `ingressRef.name`, if any.
    public var ingressName: String?
    /// `autoscalerRef` kind (default `HorizontalPodAutoscaler`) and name, if any.
    public var autoscaler: (kind: String, name: String)?
    /// `templateRef`s of the metrics, namespaces defaulted to the canary's.
    public var metricTemplates: [(namespace: String, name: String)]
    /// `providerRef`s of the alerts, namespaces defaulted to the canary's.
    public var alertProviders: [(namespace: String, name: String)]

    /// `<target>-primary`.
    public var primaryName: String { targetName + "-primary" }

    /// Reads a Canary object; `nil` when it names no target.
    public init?(json: JSONValue) {
        guard let target = json["spec", "targetRef", "name"]?.stringValue, !target.isEmpty else { return nil }
        namespace = json["metadata", "namespace"]?.stringValue ?? ""
        name = json["metadata", "name"]?.stringValue ?? ""
        switch json["spec", "targetRef", "kind"]?.stringValue {
        case "DaemonSet": targetKind = "DaemonSet"
        case "Service": targetKind = "Service"
        default: targetKind = "Deployment"
        }
        targetName = target
        let apex = json["spec", "service", "name"]?.stringValue ?? ""
        apexName = apex.isEmpty ? target : apex
        ingressName = json["spec", "ingressRef", "name"]?.stringValue
        if let scaler = json["spec", "autoscalerRef", "name"]?.stringValue {
            autoscaler = (json["spec", "autoscalerRef", "kind"]?.stringValue ?? "HorizontalPodAutoscaler", scaler)
        }
        let analysis = json["spec", "analysis"] ?? json["spec", "canaryAnalysis"]
        let ns = namespace
        func refs(_ list: String, _ field: String) -> [(namespace: String, name: String)] {
            (analysis?[list]?.arrayValue ?? []).compactMap { item in
                guard let n = item[field, "name"]?.stringValue else { return nil }
                let refNamespace = item[field, "namespace"]?.stringValue ?? ""
                return (refNamespace.isEmpty ? ns : refNamespace, n)
            }
        }
        metricTemplates = refs("metrics", "templateRef")
        alertProviders = refs("alerts", "providerRef")
    }

    public static func == (a: SyncCanary, b: SyncCanary) -> Bool { a.namespace == b.namespace && a.name == b.name }
    public func hash(into h: inout Hasher) {
        h.combine(namespace)
        h.combine(name)
    }
}
