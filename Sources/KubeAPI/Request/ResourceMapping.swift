/// A group, version and resource: the coordinates of a REST collection (`apps/v1` `deployments`).
public struct GroupVersionResource: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core group.
    public var group: String
    /// The version, e.g. `v1`.
    public var version: String
    /// The plural resource name, e.g. `deployments`.
    public var resource: String

    /// Creates coordinates.
    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    /// `group/version`, or just `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` for the core group, `/apis/<group>/<version>` otherwise.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// `resource.group` as kubectl and RBAC name it (`deployments.apps`, `pods`).
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// `deployments.apps/v1`-style text.
    public var description: String { "\(qualifiedResource)/\(version)" }
}

/// What the client must know about a kind to address it: its collection and whether it lives in namespaces.
public struct ResourceMapping: Sendable, Hashable, CustomStringConvertible {
    /// The collection.
    public var gvr: GroupVersionResource
    /// The kind, e.g. `Deployment`.
    public var kind: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool

    /// Creates a mapping.
    public init(gvr: GroupVersionResource, kind: String, namespaced: Bool) {
        self.gvr = gvr
        self.kind = kind
        self.namespaced = namespaced
    }

    /// Shorthand: `ResourceMapping("apps/v1", "Deployment", "deployments")`.
    public init(_ apiVersion: String, _ kind: String, _ resource: String, namespaced: Bool = true) {
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.last ?? apiVersion
        self.init(gvr: GroupVersionResource(group: group, version: version, resource: resource), kind: kind, namespaced: namespaced)
    }

    /// `Kind (resource.group/version)`.
    public var description: String { "\(kind) (\(gvr))" }
}
