import Resources

extension Cluster {
    /// The controller manager's ClusterRole aggregation: every ClusterRole with an `aggregationRule` gets as `rules`
    /// the rules of the ClusterRoles (by name, itself excluded) its `clusterRoleSelectors` match, without duplicates.
    /// Runs after every ClusterRole write or removal; rewrites only ClusterRoles whose rules change.
    mutating func aggregateClusterRoles() {
        let g = RBACAuthorizer.group
        let roles = stored(group: g, resource: "clusterroles")
        for (key, role) in roles {
            guard let selectors = role["aggregationRule", "clusterRoleSelectors"]?.arrayValue else { continue }
            var rules: [JSONValue] = []
            for (otherKey, other) in roles where otherKey != key {
                let labels = LabelSelector.labels(of: other)
                guard selectors.contains(where: { Self.selectorMatches($0, labels) }) else { continue }
                for rule in other["rules"]?.arrayValue ?? [] where !rules.contains(rule) { rules.append(rule) }
            }
            guard role["rules"] != .array(rules) else { continue }
            var updated = role
            updated["rules"] = .array(rules)
            updated.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
            objects[key] = updated
            record("MODIFIED", key, updated)
        }
    }

    /// A `metav1.LabelSelector` (matchLabels and matchExpressions) against labels; an empty selector matches all.
    static func selectorMatches(_ selector: JSONValue, _ labels: [String: String]) -> Bool {
        for (k, v) in selector["matchLabels"]?.objectValue ?? JSONObject() where labels[k] != v.stringValue {
            return false
        }
        for e in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = e["key"]?.stringValue ?? ""
            let values = Set(e["values"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            switch e["operator"]?.stringValue {
            case "In": if !(labels[key].map(values.contains) ?? false) { return false }
            case "NotIn": if labels[key].map(values.contains) ?? false { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }
}
