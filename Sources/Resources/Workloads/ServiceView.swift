/// A typed view of a core/v1 Service: the fields the routers compare (selector, ports).
public struct ServiceView: Sendable, Hashable {
    /// The whole object.
    public var object: JSONValue
    /// Wraps an object.
    public init(_ object: JSONValue) { self.object = object }
    /// `metadata.name`.
    public var name: String { object["metadata", "name"]?.stringValue ?? "" }
    /// `spec.selector`.
    public var selector: [String: String] { JSONValue.stringMap(object["spec", "selector"]) }
    /// `spec.ports`.
    public var ports: [JSONValue] { object["spec", "ports"]?.arrayValue ?? [] }
    /// `spec` (for Service targets, whose spec is hashed and copied).
    public var spec: JSONValue { object["spec"] ?? .object(JSONObject()) }
    /// Owner references' `kind/name` with `controller: true`.
    public var controllerOwner: (kind: String, name: String)? {
        for ref in object["metadata", "ownerReferences"]?.arrayValue ?? [] where ref["controller"]?.boolValue == true {
            return (ref["kind"]?.stringValue ?? "", ref["name"]?.stringValue ?? "")
        }
        return nil
    }
}

/// A typed view of an `autoscaling/v2` HorizontalPodAutoscaler.
public struct HorizontalPodAutoscalerView: Sendable, Hashable {
    /// The whole object.
    public var object: JSONValue
    /// Wraps an object.
    public init(_ object: JSONValue) { self.object = object }
    /// `metadata.name`.
    public var name: String { object["metadata", "name"]?.stringValue ?? "" }
    /// `spec.minReplicas`.
    public var minReplicas: Int? { object["spec", "minReplicas"]?.intValue.map(Int.init) }
    /// `spec.maxReplicas`.
    public var maxReplicas: Int? { object["spec", "maxReplicas"]?.intValue.map(Int.init) }
    /// `spec.scaleTargetRef`.
    public var scaleTargetRef: JSONValue? { object["spec", "scaleTargetRef"] }
    /// `spec.metrics`.
    public var metrics: JSONValue? { object["spec", "metrics"] }
    /// `spec.behavior`.
    public var behavior: JSONValue? { object["spec", "behavior"] }
    /// `metadata.labels`.
    public var labels: [String: String] { JSONValue.stringMap(object["metadata", "labels"]) }
}

/// A typed view of a ConfigMap or Secret referenced by a workload (config tracking, flagger-behaviour.md §5.3).
public struct ConfigObjectView: Sendable, Hashable {
    /// The whole object.
    public var object: JSONValue
    /// Wraps an object.
    public init(_ object: JSONValue) { self.object = object }
    /// `kind`: `ConfigMap` or `Secret`.
    public var kind: String { object["kind"]?.stringValue ?? "" }
    /// `metadata.name`.
    public var name: String { object["metadata", "name"]?.stringValue ?? "" }
    /// `data` (`null` when absent).
    public var data: JSONValue { object["data"] ?? .null }
    /// Secret `type` (default Opaque).
    public var secretType: String { object["type"]?.stringValue ?? "Opaque" }
    /// `metadata.labels`.
    public var labels: [String: String] { JSONValue.stringMap(object["metadata", "labels"]) }
    /// `metadata.annotations`.
    public var annotations: [String: String] { JSONValue.stringMap(object["metadata", "annotations"]) }
    /// Whether tracking is disabled by `flagger.app/config-tracking: disable…`.
    public var trackingDisabled: Bool {
        annotations["flagger.app/config-tracking"]?.hasPrefix("disable") == true
    }
    /// Whether a Secret's type is one Flagger tracks (Opaque, basic-auth, ssh-auth, tls).
    public var isTrackableSecretType: Bool {
        ["Opaque", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth", "kubernetes.io/tls"].contains(secretType)
    }
}
