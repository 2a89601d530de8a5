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
        // With the kinds CRDs declare cluster-scoped, these settle every manifest's key: the key is not repeated below.
        let parts = ["sync/3", salt, normalizer.sourceName, normalizer.defaultNamespace, String(describing: type(of: normalizer.hasher)),
                     normalizer.clusterScopedCustomKinds.sorted().joined(separator: ",")]
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
        // The content id and the run's prefix settle the key (the live object's uid names it too).
        var text = prefix
        text.reserveCapacity(prefix.utf8.count + content.utf8.count + uid.utf8.count + rv.utf8.count + 8)
        text += "\u{1}"
        text += content
        text += ownsReplicas ? "\u{1}r\u{1}" : "\u{1}-\u{1}"
        text += uid
        text += "\u{1}"
        text += rv
        // One fingerprint per line in the memo file (split at line feeds, as bytes: checking Characters cost more).
        return text.utf8.contains(0x0A) ? nil : text
    }
}
