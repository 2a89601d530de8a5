/// Identifies a Kubernetes object: group/version, kind, namespace and name.
public struct ObjectRef: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// `apiVersion` as written, e.g. `apps/v1` or `v1`.
    public var apiVersion: String
    /// The kind, e.g. `Deployment`.
    public var kind: String
    /// The namespace; empty for cluster-scoped objects or when not (yet) known.
    public var namespace: String
    /// The name.
    public var name: String

    /// Creates a reference.
    public init(apiVersion: String, kind: String, namespace: String = "", name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// The API group: the part of `apiVersion` before `/`, empty for the core group.
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// The version: the part of `apiVersion` after `/`.
    public var version: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return apiVersion }
        return String(apiVersion[apiVersion.index(after: slash)...])
    }

    /// `Kind/namespace/name` (or `Kind/name` when cluster-scoped), as Flux prints objects.
    public var description: String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)"
    }

    /// Orders by group, kind, namespace, then name.
    public static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name) < (rhs.group, rhs.kind, rhs.namespace, rhs.name)
    }
}
