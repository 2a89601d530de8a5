import Resources

/// Hashes the canonical JSON bytes of a stripped desired object into the `gitcanary.dev/applied-hash` value.
///
/// A seam: the SHA-256 of `Resources` replaces ``SyncFNVHasher`` when it lands. Changing the hasher changes every
/// hash once, which costs one idempotent apply per object, never correctness.
public protocol SyncHasher: Sendable {
    /// A stable hash of canonical JSON bytes.
    func hash(_ canonicalJSON: [UInt8]) -> String
}

/// FNV-1a 64 over the bytes, twice with different offsets (128 bits), as 32 lowercase hex digits.
public struct SyncFNVHasher: SyncHasher {
    /// Creates the hasher.
    public init() {}

    /// The hash.
    public func hash(_ canonicalJSON: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for byte in canonicalJSON {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = b &+ (b >> 29)
        }
        return Self.hex(a) + Self.hex(b)
    }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Stable shard hashing: FNV-1a 64 of text (never Swift's seeded `Hasher`).
enum StableHash {
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
