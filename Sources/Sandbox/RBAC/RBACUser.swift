/// An authenticated identity, as kube-apiserver's `user.Info`: a name and its groups.
public struct RBACUser: Sendable, Hashable {
    /// `system:serviceaccount:<namespace>:<name>` for service accounts.
    public var name: String
    /// The groups, `system:authenticated` included.
    public var groups: [String]

    /// A user with these groups (`system:authenticated` is added).
    public init(name: String, groups: [String] = []) {
        self.name = name
        self.groups = groups.contains("system:authenticated") ? groups : groups + ["system:authenticated"]
    }

    /// The identity of a service account's token: its username and the groups kube-apiserver gives it.
    public static func serviceAccount(namespace: String, name: String) -> RBACUser {
        RBACUser(
            name: "system:serviceaccount:\(namespace):\(name)",
            groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"])
    }

    /// The Sandbox administrator: member of `system:masters`, which kube-apiserver never asks RBAC about.
    public static let admin = RBACUser(name: "sandbox-admin", groups: ["system:masters", "system:authenticated"])

    /// Whether RBAC is bypassed for this user (`system:masters`).
    var isPrivileged: Bool { groups.contains("system:masters") }
}
