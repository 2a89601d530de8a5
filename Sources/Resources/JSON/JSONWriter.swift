/// Serialises ``JSONValue`` to JSON text.
///
/// Output is deterministic: with `sortedKeys` it is the canonical form used for hashing (keys in byte order,
/// no insignificant white space); without it keys keep their written order.
public enum JSONWriter {
    /// Formatting choices.
    public struct Options: Sendable, Hashable {
        /// Sort object keys by their UTF-8 bytes.
        public var sortedKeys: Bool
        /// Indent nested values with two spaces.
        public var pretty: Bool
        /// Creates options.
        public init(sortedKeys: Bool = false, pretty: Bool = false) {
            self.sortedKeys = sortedKeys
            self.pretty = pretty
        }
        /// Canonical form: sorted keys, compact.
        public static let canonical = Options(sortedKeys: true)
    }

    /// JSON text of a value.
    public static func string(_ value: JSONValue, options: Options = Options()) -> String {
        String(decoding: bytes(value, options: options), as: UTF8.self)
    }

    /// UTF-8 bytes of a value's JSON text.
    public static func bytes(_ value: JSONValue, options: Options = Options()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, options: options, depth: 0)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], options: Options, depth: Int) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .int(let i): out.append(contentsOf: Array(String(i).utf8))
        case .double(let d): out.append(contentsOf: Array(formatDouble(d).utf8))
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, options: options, depth: depth + 1)
                write(item, into: &out, options: options, depth: depth + 1)
            }
            if !items.isEmpty { newline(&out, options: options, depth: depth) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let keys = options.sortedKeys ? object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : object.keys
            for (n, key) in keys.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, options: options, depth: depth + 1)
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if options.pretty { out.append(UInt8(ascii: " ")) }
                write(object[key] ?? .null, into: &out, options: options, depth: depth + 1)
            }
            if !keys.isEmpty { newline(&out, options: options, depth: depth) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ out: inout [UInt8], options: Options, depth: Int) {
        guard options.pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    /// Shortest text that reads back as the same double; integral values keep no fraction (`2`, not `2.0`).
    static func formatDouble(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
