import Resources

/// One served resource: `deployments` in `apps/v1`, or a CRD's plural in one of its versions.
struct ResourceType: Sendable, Hashable {
    var group: String
    var version: String
    /// The plural resource name used in paths.
    var resource: String
    var kind: String
    var singular: String
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    var verbs: [String] = ResourceType.allVerbs
    /// Whether `/status` is served (and the main endpoint ignores status).
    var hasStatus = false
    /// Whether `/scale` is served.
    var hasScale = false
    /// Whether `metadata.generation` is maintained (spec-carrying kinds).
    var tracksGeneration = false
    /// For custom resources: the version's structural schema (`openAPIV3Schema`).
    var schema: JSONValue? = nil
    /// For custom resources: the CRD's name.
    var crdName: String? = nil

    static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// `apps/v1`, or `v1` for the core group.
    var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `deployments.apps`, or `configmaps` for the core group (as in error messages).
    var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }
    /// `Deployment.apps` (as in Invalid messages).
    var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }
    var isCustom: Bool { crdName != nil }
}

/// The key of one stored object: versions of a resource share their objects.
struct StoreKey: Hashable, Comparable, Sendable {
    var group: String
    var resource: String
    var namespace: String
    var name: String

    static func < (a: StoreKey, b: StoreKey) -> Bool {
        (a.group, a.resource, a.namespace, a.name) < (b.group, b.resource, b.namespace, b.name)
    }
}

/// Kubernetes version ordering for preferred versions: GA > beta > alpha, higher numbers first.
enum KubeVersionOrder {
    static func priority(_ v: String) -> (Int, Int, Int) {
        guard v.hasPrefix("v") else { return (0, 0, 0) }
        let rest = v.dropFirst()
        let digits = rest.prefix { $0.isNumber }
        guard let major = Int(digits) else { return (0, 0, 0) }
        let tail = rest.dropFirst(digits.count)
        if tail.isEmpty { return (3, major, 0) }
        for (stage, rank) in [("beta", 2), ("alpha", 1)] where tail.hasPrefix(stage) {
            let n = Int(tail.dropFirst(stage.count)) ?? 0
            return (rank, major, n)
        }
        return (0, 0, 0)
    }

    /// Sorts versions from most to least preferred.
    static func sorted(_ versions: [String]) -> [String] {
        versions.sorted { a, b in
            let pa = priority(a)
            let pb = priority(b)
            return pa != pb ? pa > pb : a < b
        }
    }
}
