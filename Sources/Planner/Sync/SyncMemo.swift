import Resources

/// What earlier runs verified: fingerprints of (desired object, live object) pairs found in sync.
///
/// A desired object's plan is a function of its manifest, the normaliser's settings, whether the rollout owns its
/// replicas, and the live object. When the manifest has a ``Manifest/contentID`` (the Git source's file, blob and
/// position) and the live object a uid and resourceVersion (which the API server changes on every write), those
/// identify all of it: a pair verified unchanged once is unchanged while its fingerprint is the same, so the run
/// skips normalising, hashing and comparing it. Any change (a commit touching the file, a write to the live object,
/// other settings or another binary) changes the fingerprint, and the object is planned as usual.
public struct SyncMemo: Sendable, Hashable {
    /// The fingerprints of pairs verified unchanged.
    public var verified: Set<String>
    /// Text mixed into every fingerprint (the CLI passes its version: another binary may plan differently).
    public var salt: String

    /// Creates a memo.
    public init(verified: Set<String> = [], salt: String) {
        self.verified = verified
        self.salt = salt
    }

    /// What every fingerprint of a run starts with: a digest of the salt and the normaliser's settings.
    func prefix(_ normalizer: SyncNormalizer) -> String {
        let parts = ["sync/2", salt, normalizer.sourceName, normalizer.defaultNamespace, String(describing: type(of: normalizer.hasher))]
        return String(SHA256.hex(Array(parts.joined(separator: "\u{0}").utf8)).prefix(32))
    }

    /// The fingerprint of one desired object against its live object; `nil` when either lacks an identity. Plain text
    /// (the identities themselves, after the run's ``prefix(_:)``): hashing each pair cost more than the rest of a
    /// memo hit.
    func fingerprint(_ s: SyncPlanner.Settled, live: JSONValue, ownsReplicas: Bool, prefix: String) -> String? {
        guard let content = s.manifest.contentID else { return nil }
        let metadata = live["metadata"]
        guard let rv = metadata?["resourceVersion"]?.stringValue, let uid = metadata?["uid"]?.stringValue,
              !rv.isEmpty, !uid.isEmpty else { return nil }
        let text = "\(prefix)\u{1}\(content)\u{1}\(s.key.group)/\(s.key.kind)\u{1}\(s.key.namespace)\u{1}\(s.key.name)\u{1}"
            + "\(ownsReplicas ? "r" : "-")\u{1}\(uid)\u{1}\(rv)"
        // One fingerprint per line in the memo file.
        return text.contains(where: \.isNewline) ? nil : text
    }
}
