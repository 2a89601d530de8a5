/// Flagger's checksum of a tracked ConfigMap or Secret (flagger-behaviour.md §5.3), reproduced byte for byte.
///
/// Flagger computes `fmt.Sprintf("%x", sha256(json.Marshal(data))[:8])`: Go's JSON encoding of the `data` map
/// (keys sorted, HTML-safe escaping; Secret values are `[]byte`, so they appear base64-encoded), SHA-256, the first
/// 8 bytes as 16 lowercase hex characters. A nil map encodes as `null`. ConfigMap `binaryData` is not included.
public enum ConfigChecksum {
    /// The checksum of a ConfigMap object (`data` only). An absent or empty `data` hashes as Go's nil map (`null`):
    /// the API server never returns an empty map, it omits the field.
    public static func configMap(_ object: JSONValue) -> String {
        let data = object["data"]?.objectValue ?? JSONObject()
        var pairs: [(String, String)] = []
        for (k, v) in data { pairs.append((k, v.stringValue ?? scalarText(v))) }
        return checksum(pairs)
    }

    /// The checksum of a Secret object: `data` (already base64) merged with `stringData` (encoded to base64, winning
    /// over `data`, as the API server merges them). Base64 values are re-encoded in standard padded form, as Go would
    /// print the decoded bytes.
    public static func secret(_ object: JSONValue) -> String {
        var values: [String: [UInt8]] = [:]
        for (k, v) in object["data"]?.objectValue ?? JSONObject() {
            let text = v.stringValue ?? ""
            values[k] = Base64.decode(text) ?? Array(text.utf8)
        }
        for (k, v) in object["stringData"]?.objectValue ?? JSONObject() {
            values[k] = Array((v.stringValue ?? scalarText(v)).utf8)
        }
        return checksum(values.map { ($0.key, Base64.encode($0.value)) })
    }

    /// The checksum of a string map as Go's `json.Marshal(map[string]string)` would hash it (`nil` or empty → `null`).
    public static func checksum(_ pairs: [(String, String)]) -> String {
        Hex.encode(SHA256.hash(goJSON(pairs)).prefix(8))
    }

    /// Go's `json.Marshal` of a `map[string]string`: `null` when empty, else `{"k":"v",...}` sorted by key bytes.
    static func goJSON(_ pairs: [(String, String)]) -> [UInt8] {
        guard !pairs.isEmpty else { return Array("null".utf8) }
        let sorted = pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, (k, v)) in sorted.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            GoJSONString.append(k, to: &out)
            out.append(UInt8(ascii: ":"))
            GoJSONString.append(v, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func scalarText(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .string(let s): return s
        default: return JSONWriter.string(v)
        }
    }
}

/// Go's `encoding/json` string encoding (Go ≥ 1.22, HTML escaping on, as `json.Marshal` does).
enum GoJSONString {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func append(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x3C, 0x3E, 0x26, 0..<0x20, 0x2028, 0x2029:
                let v = scalar.value
                out += Array("\\u".utf8)
                out += [hex[Int(v >> 12 & 0xF)], hex[Int(v >> 8 & 0xF)], hex[Int(v >> 4 & 0xF)], hex[Int(v & 0xF)]]
            default:
                out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Standard padded base64 (RFC 4648 §4), as Go's `encoding/json` writes `[]byte`.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64 (padding optional, white space ignored); `nil` when the text is not base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(b - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(b - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(b - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="), 0x20, 0x0A, 0x0D, 0x09: continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var n: UInt32 = 0
            for (j, v) in chunk.enumerated() { n |= UInt32(v) << UInt32(18 - 6 * j) }
            out.append(UInt8(n >> 16 & 0xFF))
            if chunk.count > 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if chunk.count > 3 { out.append(UInt8(n & 0xFF)) }
            i += 4
        }
        return out
    }
}
