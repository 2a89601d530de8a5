import Foundation

/// A typed view of the fields the engine reasons about in an `apps/v1` Deployment or DaemonSet.
///
/// The whole object is kept in ``object`` so that generated copies (the `-primary` workload) carry every field.
public struct WorkloadView: Sendable, Hashable {
    /// The whole object.
    public var object: JSONValue

    /// Wraps an object.
    public init(_ object: JSONValue) { self.object = object }

    /// `kind` (`Deployment` or `DaemonSet`).
    public var kind: String { object["kind"]?.stringValue ?? "" }
    /// Whether this is a DaemonSet.
    public var isDaemonSet: Bool { kind == "DaemonSet" }
    /// `metadata.name`.
    public var name: String { object["metadata", "name"]?.stringValue ?? "" }
    /// `metadata.namespace`.
    public var namespace: String { object["metadata", "namespace"]?.stringValue ?? "" }
    /// `metadata.labels`.
    public var labels: [String: String] { JSONValue.stringMap(object["metadata", "labels"]) }
    /// `metadata.annotations`.
    public var annotations: [String: String] { JSONValue.stringMap(object["metadata", "annotations"]) }
    /// `metadata.generation`.
    public var generation: Int? { object["metadata", "generation"]?.intValue.map(Int.init) }
    /// `spec.replicas` (Deployments).
    public var replicas: Int? { object["spec", "replicas"]?.intValue.map(Int.init) }
    /// `spec.selector.matchLabels`.
    public var selectorMatchLabels: [String: String] { JSONValue.stringMap(object["spec", "selector", "matchLabels"]) }
    /// `spec.template`.
    public var podTemplate: JSONValue { object["spec", "template"] ?? .object(JSONObject()) }
    /// `spec.template.spec`.
    public var podSpec: JSONValue { object["spec", "template", "spec"] ?? .object(JSONObject()) }
    /// `spec.template.metadata.labels`.
    public var templateLabels: [String: String] { JSONValue.stringMap(object["spec", "template", "metadata", "labels"]) }

    /// Every container of the pod template (`initContainers` excluded).
    public var containers: [JSONValue] { podSpec["containers"]?.arrayValue ?? [] }

    /// `status.observedGeneration`.
    public var observedGeneration: Int? { object["status", "observedGeneration"]?.intValue.map(Int.init) }
    /// Integer `status.<field>` (0 when absent).
    public func statusInt(_ field: String) -> Int { Int(object["status", field]?.intValue ?? 0) }
    /// `status.conditions`.
    public var conditions: [WorkloadCondition] {
        (object["status", "conditions"]?.arrayValue ?? []).map(WorkloadCondition.init)
    }
    /// The condition of a type.
    public func condition(_ type: String) -> WorkloadCondition? { conditions.first { $0.type == type } }
}

/// One `status.conditions[]` entry of a Deployment.
public struct WorkloadCondition: Sendable, Hashable {
    /// `type`.
    public var type: String
    /// `status` (`True`, `False`, `Unknown`).
    public var status: String
    /// `reason`.
    public var reason: String
    /// `message`.
    public var message: String
    /// `lastUpdateTime`.
    public var lastUpdateTime: Date?

    /// Reads a condition object.
    public init(_ value: JSONValue) {
        type = value["type"]?.stringValue ?? ""
        status = value["status"]?.stringValue ?? ""
        reason = value["reason"]?.stringValue ?? ""
        message = value["message"]?.stringValue ?? ""
        lastUpdateTime = value["lastUpdateTime"]?.stringValue.flatMap(RFC3339.parse)
    }
}

extension JSONValue {
    /// The string fields of an object value (non-strings skipped); empty for non-objects.
    public static func stringMap(_ value: JSONValue?) -> [String: String] {
        guard let object = value?.objectValue else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in object { if let s = v.stringValue { out[k] = s } }
        return out
    }

    /// An object value of string fields, keys sorted for stable output.
    public static func fromStringMap(_ map: [String: String]) -> JSONValue {
        .object(JSONObject(map.keys.sorted().map { ($0, JSONValue.string(map[$0] ?? "")) }))
    }
}
