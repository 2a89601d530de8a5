import Resources

/// Hashes the canonical JSON bytes of a stripped desired object into the `gitcanary.dev/applied-hash` value.
///
/// A seam (default ``SyncSHA256Hasher``). Changing the hasher changes every hash once, which costs one idempotent
/// apply per object, never correctness.
public protocol SyncHasher: Sendable {
    /// A stable hash of canonical JSON bytes.
    func hash(_ canonicalJSON: [UInt8]) -> String
}

/// SHA-256 of the bytes (`Resources`' implementation), as 64 lowercase hex digits: the default.
public struct SyncSHA256Hasher: SyncHasher {
    /// Creates the hasher.
    public init() {}

    /// The hash.
    public func hash(_ canonicalJSON: [UInt8]) -> String { SHA256.hex(canonicalJSON) }
}

/// Stable shard hashing: FNV-1a 64 of text (never Swift's seeded `Hasher`).
enum StableHash {
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
