import Resources

/// One `rules[]` entry of a Role or ClusterRole, matched as kube-apiserver's RBAC authorizer does
/// (`plugin/pkg/auth/authorizer/rbac`): verbs, apiGroups, resources (with `*`, `resource/subresource` and
/// `*/subresource`), resourceNames (empty means all).
struct RBACPolicyRule: Sendable, Hashable {
    var verbs: [String]
    var apiGroups: [String]
    var resources: [String]
    var resourceNames: [String]

    init(_ json: JSONValue) {
        func strings(_ key: String) -> [String] { json[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        verbs = strings("verbs")
        apiGroups = strings("apiGroups")
        resources = strings("resources")
        resourceNames = strings("resourceNames")
    }

    /// The rules of a Role or ClusterRole object.
    static func rules(of role: JSONValue) -> [RBACPolicyRule] {
        (role["rules"]?.arrayValue ?? []).map(RBACPolicyRule.init)
    }

    /// Whether this rule allows the request.
    func allows(_ a: RBACAttributes) -> Bool {
        verbMatches(a.verb) && apiGroupMatches(a.apiGroup) && resourceMatches(a) && resourceNameMatches(a)
    }

    private func verbMatches(_ verb: String) -> Bool { verbs.contains("*") || verbs.contains(verb) }

    private func apiGroupMatches(_ group: String) -> Bool { apiGroups.contains("*") || apiGroups.contains(group) }

    private func resourceMatches(_ a: RBACAttributes) -> Bool {
        let combined = a.combinedResource
        for r in resources {
            if r == "*" || r == combined { return true }
            if a.subresource.isEmpty { continue }
            if r == "*/\(a.subresource)" { return true }
        }
        return false
    }

    private func resourceNameMatches(_ a: RBACAttributes) -> Bool {
        if resourceNames.isEmpty { return true }
        return resourceNames.contains(a.name)
    }
}
