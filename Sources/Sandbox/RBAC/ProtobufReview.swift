import Resources

/// Reads the few fields of a protobuf-encoded `SelfSubjectAccessReview` (kubectl's typed clients send built-in
/// kinds as `application/vnd.kubernetes.protobuf`: the `k8s\0` magic, then a `runtime.Unknown` whose `raw` field
/// holds the object). Only `spec.resourceAttributes` and `spec.nonResourceAttributes` are read; the result has
/// the JSON shape of the review.
enum ProtobufReview {
    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        guard bytes.count > 4, Array(bytes[0..<4]) == [0x6b, 0x38, 0x73, 0x00] else { return nil }
        guard let unknown = fields(bytes[4...]), let raw = unknown[2], let review = fields(raw[...]),
            let specBytes = review[2], let spec = fields(specBytes[...])
        else { return nil }
        var out = JSONObject()
        if let r = spec[1], let attrs = fields(r[...]) {
            let names = [1: "namespace", 2: "verb", 3: "group", 4: "version", 5: "resource", 6: "subresource", 7: "name"]
            var o = JSONObject()
            for (n, key) in names { if let v = attrs[n] { o[key] = .string(String(decoding: v, as: UTF8.self)) } }
            out["resourceAttributes"] = .object(o)
        }
        if let r = spec[2], let attrs = fields(r[...]) {
            var o = JSONObject()
            for (n, key) in [1: "path", 2: "verb"] { if let v = attrs[n] { o[key] = .string(String(decoding: v, as: UTF8.self)) } }
            out["nonResourceAttributes"] = .object(o)
        }
        return ["spec": .object(out)]
    }

    /// The length-delimited fields of one message by field number (last wins); varints are skipped. Nil if malformed.
    private static func fields(_ data: ArraySlice<UInt8>) -> [Int: [UInt8]]? {
        var out: [Int: [UInt8]] = [:]
        var i = data.startIndex
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while i < data.endIndex, shift < 64 {
                let b = data[i]
                i += 1
                value |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while i < data.endIndex {
            guard let tag = varint() else { return nil }
            switch tag & 7 {
            case 0: guard varint() != nil else { return nil }
            case 2:
                guard let n = varint(), n <= UInt64(data.endIndex - i) else { return nil }
                out[Int(tag >> 3)] = Array(data[i..<(i + Int(n))])
                i += Int(n)
            case 1: i += 8
            case 5: i += 4
            default: return nil
            }
        }
        return i == data.endIndex ? out : nil
    }
}
