import Foundation
import Resources
import Testing

/// One rule of a Role or ClusterRole of deploy/cronjob/rbac.yaml or sync-rbac.yaml, read from the files themselves
/// (so that a rule added there is enumerated here without a code change).
struct RBACRule: Sendable, Hashable, CustomTestStringConvertible {
    var file: String
    var kind: String
    var name: String
    var namespace: String?
    var apiGroups: [String]
    var resources: [String]
    var verbs: [String]

    /// `<role> <groups> <resources>`: the key of the rule's removal case (verbs excluded, so that trimming a verb
    /// keeps the case).
    var id: String {
        "\(name) \(apiGroups.map { $0.isEmpty ? "core" : $0 }.joined(separator: ",")) \(resources.joined(separator: ","))"
    }

    var testDescription: String { id }

    static let sa = "User \"system:serviceaccount:gitcanary-system:gitcanary\" cannot "

    /// Whether `message` is kube-apiserver's 403 wording for one of the rule's verbs, resources and groups.
    func isDenial(_ message: String) -> Bool {
        guard message.contains(Self.sa) else { return false }
        for verb in verbs {
            for resource in resources {
                for group in apiGroups where message.contains(Self.sa + "\(verb) resource \"\(resource)\" in API group \"\(group)\"") {
                    return true
                }
            }
        }
        return false
    }

    /// Whether `rule` (a rule object of a stored role) is this one.
    func matches(_ rule: JSONValue) -> Bool {
        func strings(_ key: String) -> [String] { (rule[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        return strings("apiGroups") == apiGroups && strings("resources") == resources && strings("verbs") == verbs
    }

    static let files = ["rbac.yaml", "sync-rbac.yaml"]

    /// Every rule of every Role and ClusterRole of the two files, in order.
    static func all() throws -> [RBACRule] {
        var out: [RBACRule] = []
        for file in files {
            let path = RBACStory.root.path + "/deploy/cronjob/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for m in try ManifestDecoder().decode(yaml: text, file: file) where m.kind == "Role" || m.kind == "ClusterRole" {
                for rule in m.object["rules"]?.arrayValue ?? [] {
                    func strings(_ key: String) -> [String] { (rule[key]?.arrayValue ?? []).compactMap(\.stringValue) }
                    out.append(RBACRule(
                        file: file, kind: m.kind, name: m.name, namespace: m.namespace.isEmpty ? nil : m.namespace,
                        apiGroups: strings("apiGroups"), resources: strings("resources"), verbs: strings("verbs")))
                }
            }
        }
        return out
    }

    /// ``all()`` for test arguments (a file that cannot be read yields no rule; the meta-test reads it again and fails).
    static let allOrEmpty: [RBACRule] = (try? all()) ?? []
}
