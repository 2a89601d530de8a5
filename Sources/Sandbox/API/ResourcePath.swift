/// A Kubernetes resource URL taken apart: `/apis/apps/v1/namespaces/web/deployments/api/status`.
struct ResourcePath: Sendable, Hashable {
    var group: String
    var version: String
    var namespace: String?
    var resource: String
    var name: String?
    var subresource: String?

    /// Parses an `/api/v1/...` or `/apis/<group>/<version>/...` path; nil for discovery paths and others.
    init?(_ path: String) {
        var segs = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let root = segs.first else { return nil }
        if root == "api" {
            guard segs.count >= 3, segs[1] == "v1" else { return nil }
            group = ""
            version = "v1"
            segs.removeFirst(2)
        } else if root == "apis" {
            guard segs.count >= 4 else { return nil }
            group = segs[1]
            version = segs[2]
            segs.removeFirst(3)
        } else {
            return nil
        }
        if segs[0] == "namespaces", segs.count >= 3, !(segs.count == 3 && ["status", "finalize"].contains(segs[2])) {
            namespace = segs[1]
            segs.removeFirst(2)
        }
        guard segs.count <= 3 else { return nil }
        resource = segs[0]
        name = segs.count > 1 ? segs[1] : nil
        subresource = segs.count > 2 ? segs[2] : nil
    }

    /// `deployments` or `deployments/status`, as counted and as fault rules match.
    var resourceWithSubresource: String { subresource.map { "\(resource)/\($0)" } ?? resource }
}

/// The Kubernetes verb of a request, as kube-apiserver's audit and metrics name it.
enum KubeVerb {
    static let mutating: Set<String> = ["create", "update", "patch", "delete", "deletecollection"]

    static func of(method: String, path: ResourcePath, watch: Bool) -> String {
        switch method {
        case "GET", "HEAD":
            if watch { return "watch" }
            return path.name == nil ? "list" : "get"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return path.name == nil ? "deletecollection" : "delete"
        default: return method.lowercased()
        }
    }
}
