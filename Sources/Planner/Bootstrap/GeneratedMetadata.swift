import Resources

/// Metadata rules shared by every generated object (flagger-behaviour.md §5.1, §6).
enum GeneratedMetadata {
    /// Annotations that keep Flux from reverting objects the rollout owns.
    static let fluxAnnotations: [String: String] = [
        "helm.toolkit.fluxcd.io/driftDetection": "disabled",
        "kustomize.toolkit.fluxcd.io/reconcile": "disabled",
    ]

    /// The controller owner reference to the Canary.
    static func ownerReference(_ canary: Canary) -> JSONValue {
        var ref: JSONValue = [
            "apiVersion": .string(Canary.apiVersion), "kind": "Canary", "name": .string(canary.name),
            "controller": true, "blockOwnerDeletion": true,
        ]
        if let uid = canary.metadata.uid { ref["uid"] = .string(uid) }
        return ref
    }

    /// Keys copied to primaries: never Flux toolkit keys; only those matching an include prefix (`*` = all).
    static func filtered(_ map: [String: String], includePrefixes: [String]) -> [String: String] {
        map.filter { key, _ in
            guard !key.contains("toolkit.fluxcd.io") else { return false }
            return includePrefixes.contains { $0 == "*" || (!$0.isEmpty && key.hasPrefix($0)) }
        }
    }

    /// Keys without Flux toolkit keys.
    static func withoutToolkit(_ map: [String: String]) -> [String: String] {
        map.filter { !$0.key.contains("toolkit.fluxcd.io") }
    }

    /// A metadata object.
    static func metadata(name: String, namespace: String, labels: [String: String], annotations: [String: String],
                         owner: Canary?) -> JSONValue {
        var meta: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
        if !labels.isEmpty { meta["labels"] = JSONValue.fromStringMap(labels) }
        if !annotations.isEmpty { meta["annotations"] = JSONValue.fromStringMap(annotations) }
        if let owner { meta["ownerReferences"] = [ownerReference(owner)] }
        return meta
    }
}
