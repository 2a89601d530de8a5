/// Manifests are UTF-8 (YAML 1.2 and JSON allow UTF-16/32 too, but Kubernetes tooling reads UTF-8 only). Bytes that
/// are not UTF-8 are an error with their position, never silently replaced by U+FFFD (which would change Secret and
/// ConfigMap values without a word).
enum UTF8Validation {
    /// The decoding error for the first byte that is not UTF-8, or nil when all bytes are well-formed UTF-8.
    static func check(_ bytes: [UInt8], file: String) -> ManifestDecodingError? {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return ManifestDecodingError(
                code: .syntax, location: SourceLocation(file: file, line: 1, column: 1),
                message: "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
        }
        guard let offset = firstInvalidOffset(bytes) else { return nil }
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        let byte = String(bytes[offset], radix: 16, uppercase: true)
        let binary = bytes.prefix(8000).contains(0)
        return ManifestDecodingError(
            code: .syntax, location: SourceLocation(file: file, line: line, column: offset - lineStart + 1),
            message: binary
                ? "binary content (byte 0x\(byte) is not UTF-8); not a YAML or JSON manifest"
                : "byte 0x\(byte) is not UTF-8; save the file as UTF-8")
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF).
    static func firstInvalidOffset(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            if b[i + 1] < low || b[i + 1] > high { return i }
            for k in 2..<length where b[i + k] < 0x80 || b[i + k] > 0xBF { return i }
            i += length
        }
        return nil
    }
}
