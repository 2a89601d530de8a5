internal import CGit2

/// A Git object id (SHA-1) as a Swift value, copied out of C.
struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    /// 40 lowercase hex digits.
    let hex: String

    init(_ oid: git_oid) {
        var copy = oid
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_fmt(&buffer, &copy)
        hex = String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Parses 40 hex digits; `nil` otherwise.
    init?(hex: String) {
        guard hex.utf8.count == 40, ObjectID.isHex(hex) else { return nil }
        self.hex = hex.lowercased()
    }

    var description: String { hex }

    /// The C value.
    var oid: git_oid {
        var out = git_oid()
        _ = git_oid_fromstrn(&out, hex, hex.utf8.count)
        return out
    }

    static func isHex(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
    }
}
