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
