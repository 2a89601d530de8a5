import Resources

/// The resources served right now: the built-in kinds plus every served version of every established CRD.
struct ResourceRegistry: Sendable {
    private(set) var types: [ResourceType] = BuiltinResources.all

    /// The type serving `group/version/resource`, if any.
    func lookup(group: String, version: String, resource: String) -> ResourceType? {
        types.first { $0.group == group && $0.version == version && $0.resource == resource }
    }

    /// Any served version of `group` + `resource` (for cross-version operations such as CRD deletion).
    func anyVersion(group: String, resource: String) -> ResourceType? {
        types.first { $0.group == group && $0.resource == resource }
    }

    /// The preferred type for a kind in an apiVersion (used for owner references and apply bodies).
    func lookup(apiVersion: String, kind: String) -> ResourceType? {
        let (group, version) = Self.split(apiVersion)
        return types.first { $0.group == group && $0.version == version && $0.kind == kind }
    }

    /// Groups in discovery order with their versions, most preferred first.
    var groups: [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for t in types where !t.group.isEmpty {
            if versions[t.group] == nil { order.append(t.group) }
            if !(versions[t.group]?.contains(t.version) ?? false) { versions[t.group, default: []].append(t.version) }
        }
        return order.map { ($0, KubeVersionOrder.sorted(versions[$0] ?? [])) }
    }

    /// The types of one group version.
    func types(group: String, version: String) -> [ResourceType] {
        types.filter { $0.group == group && $0.version == version }
    }

    /// Rebuilds the custom part from the stored CRD objects.
    mutating func rebuild(crds: [JSONValue]) {
        var result = BuiltinResources.all
        for crd in crds {
            result += Self.types(fromCRD: crd).filter { t in
                !result.contains { $0.group == t.group && $0.version == t.version && $0.resource == t.resource }
            }
        }
        types = result
    }

    /// The served types a CRD object declares (empty when it is malformed or being deleted).
    static func types(fromCRD crd: JSONValue) -> [ResourceType] {
        guard crd["metadata", "deletionTimestamp"] == nil,
            let group = crd["spec", "group"]?.stringValue,
            let plural = crd["spec", "names", "plural"]?.stringValue,
            let kind = crd["spec", "names", "kind"]?.stringValue,
            let versions = crd["spec", "versions"]?.arrayValue
        else { return [] }
        let names = crd["spec", "names"]
        let singular = names?["singular"]?.stringValue ?? kind.lowercased()
        let shortNames = names?["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let categories = names?["categories"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let namespaced = crd["spec", "scope"]?.stringValue != "Cluster"
        return versions.compactMap { v -> ResourceType? in
            guard let name = v["name"]?.stringValue, v["served"]?.boolValue ?? true else { return nil }
            return ResourceType(
                group: group, version: name, resource: plural, kind: kind, singular: singular,
                namespaced: namespaced, shortNames: shortNames, categories: categories,
                hasStatus: v["subresources", "status"] != nil, hasScale: v["subresources", "scale"] != nil,
                tracksGeneration: true, schema: v["schema", "openAPIV3Schema"],
                crdName: crd["metadata", "name"]?.stringValue ?? "\(plural).\(group)")
        }
    }

    /// Splits `apps/v1` into ("apps", "v1") and `v1` into ("", "v1").
    static func split(_ apiVersion: String) -> (group: String, version: String) {
        let parts = apiVersion.split(separator: "/", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("", apiVersion)
    }
}
