import Resources

/// The identity of an object for the Git sync: group, kind, namespace and name (the version is not part of it, so
/// an object moved from `autoscaling/v2beta2` to `autoscaling/v2` in Git is the same object).
///
/// Written in the inventory as one `group/kind/namespace/name` line, with `core` for the core group and an empty
/// namespace for cluster-scoped objects: `apps/Deployment/prod/podinfo`, `core/Namespace//prod`.
public struct SyncKey: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The API group; empty for the core group.
    public var group: String
    /// The kind.
    public var kind: String
    /// The namespace; empty for cluster-scoped objects.
    public var namespace: String
    /// The name.
    public var name: String

    /// Creates a key.
    public init(group: String, kind: String, namespace: String = "", name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// The key of an object reference.
    public init(_ ref: ObjectRef) {
        self.init(group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name)
    }

    /// The key of an object (reads `apiVersion`, `kind`, `metadata.namespace`, `metadata.name`).
    public init(object: JSONValue) {
        self.init(Manifest(object: object).ref)
    }

    /// Parses an inventory line; `nil` when it does not have four `/`-separated parts with a kind and a name.
    public init?(inventoryLine line: Substring) {
        let parts = line.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[1].isEmpty, !parts[3].isEmpty else { return nil }
        let group = parts[0] == "core" ? "" : String(parts[0])
        self.init(group: group, kind: String(parts[1]), namespace: String(parts[2]), name: String(parts[3]))
    }

    /// `group/kind/namespace/name`, `core` standing for the core group.
    public var inventoryLine: String { "\(group.isEmpty ? "core" : group)/\(kind)/\(namespace)/\(name)" }

    /// `group/kind`, the key of a kind's version in the inventory.
    public var groupKind: String { "\(group.isEmpty ? "core" : group)/\(kind)" }

    /// `Kind/namespace/name` (or `Kind/name`), as Flux prints objects.
    public var description: String { namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)" }

    /// Orders by kind order (``SyncKindOrder``), then namespace, name and group, independent of input order.
    public static func < (a: SyncKey, b: SyncKey) -> Bool {
        let ra = SyncKindOrder.rank(group: a.group, kind: a.kind)
        let rb = SyncKindOrder.rank(group: b.group, kind: b.kind)
        if ra != rb { return ra < rb }
        return (a.kind, a.namespace, a.name, a.group) < (b.kind, b.namespace, b.name, b.group)
    }

    /// An object reference with the given version.
    public func ref(apiVersion: String) -> ObjectRef {
        ObjectRef(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    /// The `apiVersion` for a version of this key's group.
    public func apiVersion(version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }
}
