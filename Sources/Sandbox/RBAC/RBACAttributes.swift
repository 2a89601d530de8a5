/// What a resource request asks, as kube-apiserver's authorizer sees it (`authorizer.Attributes`).
struct RBACAttributes: Sendable, Hashable {
    var verb: String
    var apiGroup: String
    var resource: String
    var subresource: String
    /// Empty for cluster-scoped requests. For `namespaces/<name>` it is the name, as kube-apiserver's RequestInfo.
    var namespace: String
    /// Empty for list, watch, create and deletecollection (unless a `metadata.name` field selector names one).
    var name: String

    /// The attributes of a request to a resource path.
    init(verb: String, path: ResourcePath, fieldSelector: String?) {
        self.verb = verb
        apiGroup = path.group
        resource = path.resource
        subresource = path.subresource ?? ""
        name = path.name ?? ""
        namespace = path.namespace ?? ""
        if path.group.isEmpty && path.resource == "namespaces" && path.namespace == nil { namespace = name }
        if name.isEmpty, verb == "list" || verb == "watch", let selector = fieldSelector {
            for term in selector.split(separator: ",") {
                let parts = term.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0] == "metadata.name" { name = String(parts[1]) }
            }
        }
    }

    init(verb: String, apiGroup: String, resource: String, subresource: String, namespace: String, name: String) {
        self.verb = verb
        self.apiGroup = apiGroup
        self.resource = resource
        self.subresource = subresource
        self.namespace = namespace
        self.name = name
    }

    /// `canaries/status`, or `canaries` without a subresource.
    var combinedResource: String { subresource.isEmpty ? resource : "\(resource)/\(subresource)" }

    /// kube-apiserver's 403 for this request (`responsewriters.Forbidden` + `errors.NewForbidden`): reason
    /// Forbidden, the exact message wording, details {name, group, kind}.
    func forbidden(user: RBACUser, reason: String) -> APIError {
        var text = "User \"\(user.name)\" cannot \(verb) resource \"\(combinedResource)\" in API group \"\(apiGroup)\""
        text += namespace.isEmpty ? " at the cluster scope" : " in the namespace \"\(namespace)\""
        if !reason.isEmpty { text += ": \(reason)" }
        let qualified = apiGroup.isEmpty ? resource : "\(resource).\(apiGroup)"
        let message = name.isEmpty ? "\(qualified) is forbidden: \(text)" : "\(qualified) \"\(name)\" is forbidden: \(text)"
        return APIError(
            code: 403, reason: "Forbidden", message: message, name: name.isEmpty ? nil : name,
            group: apiGroup.isEmpty ? nil : apiGroup, kind: resource)
    }

    /// kube-apiserver's 403 for a non-resource path (`/sandbox/...` control requests).
    static func forbiddenPath(user: RBACUser, verb: String, path: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "forbidden: User \"\(user.name)\" cannot \(verb) path \"\(path)\"")
    }
}
