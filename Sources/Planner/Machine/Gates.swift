import Resources

/// GitCanary's persisted gates: annotations on the Canary (architecture.md "Contracts").
struct PersistedGates: Sendable {
    /// The opt-in annotation.
    static let gatesKey = "gitcanary.dev/gates"
    /// Gates opted in (`rollout`, `traffic-increase`, `promotion`).
    let enabled: Set<String>
    let annotations: [String: String]

    init(_ canary: Canary) {
        annotations = canary.metadata.annotations ?? [:]
        enabled = Set((annotations[Self.gatesKey] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// Whether an annotation value names a commit (full SHA or a prefix of 7 or more characters).
    static func names(_ value: String?, commit: String?) -> Bool {
        guard let v = value?.trimmingCharacters(in: .whitespaces).lowercased(), v.count >= 7,
              let c = commit?.lowercased() else { return false }
        return c.hasPrefix(v)
    }

    /// The verdict of an opted-in approval gate for a commit; `nil` when the gate is not opted in.
    func approval(_ gate: String, commit: String?) -> CheckRecord? {
        guard enabled.contains(gate) else { return nil }
        let key = "gitcanary.dev/approve-\(gate)"
        if Self.names(annotations[key], commit: commit) {
            return CheckRecord(kind: .gate, name: key, verdict: .pass, message: "\(key) approves \(commit?.prefix(7) ?? "")")
        }
        return CheckRecord(kind: .gate, name: key, verdict: .hold,
                           message: "waiting for \(key): \(commit.map { String($0.prefix(7)) } ?? "?") is not approved "
                               + "(kubectl annotate canary … \(key)=<commit> or gitcanary approve)")
    }

    /// Whether `gitcanary.dev/rollback` names the commit.
    func rollbackRequested(commit: String?) -> Bool { Self.names(annotations["gitcanary.dev/rollback"], commit: commit) }

    /// The `gitcanary.dev/retry` value when it names the commit.
    func retry(commit: String?) -> String? {
        let v = annotations["gitcanary.dev/retry"]
        return Self.names(v, commit: commit) ? v : nil
    }
}
