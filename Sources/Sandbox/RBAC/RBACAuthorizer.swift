import Resources

/// kube-apiserver's RBAC authorizer over the Roles, ClusterRoles and bindings stored in the Sandbox.
///
/// ClusterRoleBindings apply everywhere; RoleBindings in the request's namespace apply to it. A binding's
/// `roleRef` names a ClusterRole or a Role of the binding's namespace; subjects are Users, Groups or
/// ServiceAccounts (a ServiceAccount subject without a namespace means the binding's). Bindings naming a role that
/// does not exist contribute nothing and are reported in the denial's reason (`RBAC: clusterrole... not found`),
/// as kube-apiserver does.
struct RBACAuthorizer {
    static let group = "rbac.authorization.k8s.io"

    /// Allowed, or the reason suffix of the 403 (empty when no binding was broken).
    enum Decision: Equatable {
        case allow
        case deny(reason: String)
    }

    static func authorize(_ user: RBACUser, _ a: RBACAttributes, in cluster: Cluster) -> Decision {
        if user.isPrivileged { return .allow }
        var errors: [String] = []
        for (_, binding) in cluster.stored(group: group, resource: "clusterrolebindings") {
            guard applies(binding, to: user, bindingNamespace: "") else { continue }
            switch rules(of: binding, bindingNamespace: "", in: cluster) {
            case .success(let rules): if rules.contains(where: { $0.allows(a) }) { return .allow }
            case .failure(let e): errors.append(e.message)
            }
        }
        if !a.namespace.isEmpty {
            for (_, binding) in cluster.stored(group: group, resource: "rolebindings", namespace: a.namespace) {
                guard applies(binding, to: user, bindingNamespace: a.namespace) else { continue }
                switch rules(of: binding, bindingNamespace: a.namespace, in: cluster) {
                case .success(let rules): if rules.contains(where: { $0.allows(a) }) { return .allow }
                case .failure(let e): errors.append(e.message)
                }
            }
        }
        if errors.isEmpty { return .deny(reason: "") }
        return .deny(reason: "RBAC: " + (errors.count == 1 ? errors[0] : "[" + errors.joined(separator: ", ") + "]"))
    }

    struct MissingRole: Error {
        var message: String
    }

    private static func rules(of binding: JSONValue, bindingNamespace: String, in cluster: Cluster)
        -> Result<[RBACPolicyRule], MissingRole>
    {
        let kind = binding["roleRef", "kind"]?.stringValue ?? ""
        let name = binding["roleRef", "name"]?.stringValue ?? ""
        let key: StoreKey
        switch kind {
        case "ClusterRole": key = StoreKey(group: group, resource: "clusterroles", namespace: "", name: name)
        case "Role" where !bindingNamespace.isEmpty:
            key = StoreKey(group: group, resource: "roles", namespace: bindingNamespace, name: name)
        default: return .failure(MissingRole(message: "unknown roleRef kind \"\(kind)\""))
        }
        guard let role = cluster.objects[key] else {
            return .failure(MissingRole(message: "\(kind.lowercased()).\(group) \"\(name)\" not found"))
        }
        return .success(RBACPolicyRule.rules(of: role))
    }

    private static func applies(_ binding: JSONValue, to user: RBACUser, bindingNamespace: String) -> Bool {
        for subject in binding["subjects"]?.arrayValue ?? [] {
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User": if name == user.name { return true }
            case "Group": if user.groups.contains(name) { return true }
            case "ServiceAccount":
                let ns = subject["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? bindingNamespace
                if !ns.isEmpty && user.name == "system:serviceaccount:\(ns):\(name)" { return true }
            default: continue
            }
        }
        return false
    }
}
