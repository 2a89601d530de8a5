import Foundation

/// A strict JSON parser over UTF-8 bytes that reports `line:column` on errors and bounds nesting depth.
///
/// Used for API responses (large LISTs), JSON manifests and webhook bodies. Numbers without a fraction or exponent
/// that fit in 64 bits become `.int`; everything else `.double`.
public struct JSONParser {
    /// The deepest nesting accepted; deeper input is an error, not a stack overflow.
    public static let maximumDepth = 256

    /// The document (valid for the parse: ``parse(_:)`` holds the array's storage).
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Object keys longer than a small string (16+ bytes), by a hash of their bytes: a LIST of 500 objects repeats the
    /// same keys (`creationTimestamp`, `terminationMessagePath`, managed-field keys) thousands of times, and each would
    /// otherwise be a separate heap string held for the life of the value.
    private var longKeys: [UInt64: String] = [:]
    /// The fields of the objects being parsed, innermost last: an object's fields are collected here and moved into
    /// a `JSONObject` of exactly their number when it closes (no growing of the object's storage field by field).
    private var fieldStack: [(String, JSONValue)] = []
    /// The same for the items of arrays.
    private var itemStack: [JSONValue] = []
    /// A hash of each key on `fieldStack` (FNV-1a of its bytes; `nil` for a key with escapes): when an object's keys
    /// have distinct hashes they are distinct, and the object is built without looking each key up.
    private var keyHashStack: [UInt64?] = []
    /// The hash of the key ``parseKey()`` returned last.
    private var lastKeyHash: UInt64?
    /// Skip `managedFields` in objects under a `metadata` key (``Options/droppingManagedFields``).
    private let dropsManagedFields: Bool

    /// What to leave out of the parsed value.
    public struct Options: Sendable {
        /// Skips the value of `managedFields` in every object that is the value of a `metadata` key (Kubernetes'
        /// field ownership records, a third of a LIST's bytes, which most readers never look at): the text is only
        /// scanned for its end (strings and nesting checked), no value is built.
        public var droppingManagedFields: Bool

        /// Creates options.
        public init(droppingManagedFields: Bool = false) { self.droppingManagedFields = droppingManagedFields }
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>, options: Options) {
        self.bytes = bytes
        self.dropsManagedFields = options.droppingManagedFields
    }

    /// Parses one JSON document; trailing non-space content is an error.
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        // Over the array's buffer: every access below is checked against `bytes.count` by the parser itself.
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in try parse(buffer: buffer, options: options) }
    }

    /// Parses one JSON document held in `Data` (a transport's buffer), without copying it.
    public static func parse(_ data: Data, options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        let result = data.withUnsafeBytes { raw -> Result<JSONValue, JSONSyntaxError> in
            do throws(JSONSyntaxError) {
                return .success(try parse(buffer: raw.bindMemory(to: UInt8.self), options: options))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, options: Options) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(buffer, options: options)
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        if parser.index < buffer.count { throw parser.error("unexpected content after the JSON document") }
        return value
    }

    /// Parses JSON text.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1
        var column = 1
        var i = 0
        while i < min(index, bytes.count) {
            if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return JSONSyntaxError(message: message, line: line, column: column)
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONParser.maximumDepth else {
            throw error("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        for b in word.utf8 {
            guard index < bytes.count, bytes[index] == b else { throw error("invalid literal, expected '\(word)'") }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int, isMetadata: Bool = false) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(JSONObject()) }
        let base = fieldStack.count
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseKey()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
            index += 1
            skipSpace()
            let keyHash = lastKeyHash
            if dropsManagedFields && isMetadata && key == "managedFields" {
                try skipValue(depth: depth + 1)
            } else if dropsManagedFields && key == "metadata" && index < bytes.count && bytes[index] == UInt8(ascii: "{") {
                guard depth + 1 < JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
                fieldStack.append((key, try parseObject(depth: depth + 1, isMetadata: true)))
                keyHashStack.append(keyHash)
            } else {
                let value = try parseValue(depth: depth + 1)
                fieldStack.append((key, value))
                keyHashStack.append(keyHash)
            }
            skipSpace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                let object: JSONObject
                if Self.distinct(keyHashStack[base...]) {
                    object = JSONObject(distinctFields: fieldStack[base...])
                } else {
                    var checked = JSONObject()
                    checked.reserveCapacity(fieldStack.count - base)
                    // A repeated key keeps its first position and its last value, as assigning field by field does.
                    for i in base..<fieldStack.count { checked[fieldStack[i].0] = fieldStack[i].1 }
                    object = checked
                }
                fieldStack.removeSubrange(base...)
                keyHashStack.removeSubrange(base...)
                return .object(object)
            }
            throw error("expected ',' or '}' in object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
        let base = itemStack.count
        while true {
            skipSpace()
            let item = try parseValue(depth: depth + 1)
            itemStack.append(item)
            skipSpace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                let items = Array(itemStack[base...])
                itemStack.removeSubrange(base...)
                return .array(items)
            }
            throw error("expected ',' or ']' in array")
        }
    }

    /// Whether the hashes are all known and pairwise different (then so are their keys).
    private static func distinct(_ hashes: ArraySlice<UInt64?>) -> Bool {
        var i = hashes.startIndex
        while i < hashes.endIndex {
            guard let h = hashes[i] else { return false }
            var j = i + 1
            while j < hashes.endIndex {
                if hashes[j] == h { return false }
                j += 1
            }
            i += 1
        }
        return true
    }

    /// Moves past one value without building it: strings are scanned for their end (escapes and control characters
    /// checked), brackets must nest and match, everything else runs to the next delimiter.
    private mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        var closers: [UInt8] = []
        repeat {
            guard index < bytes.count else { throw error("unexpected end of input") }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                while true {
                    guard index < bytes.count else { throw error("unterminated string") }
                    let c = bytes[index]
                    if c == UInt8(ascii: "\"") { index += 1; break }
                    if c < 0x20 { throw error("control character in string") }
                    index += c == UInt8(ascii: "\\") ? 2 : 1
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth + closers.count < JSONParser.maximumDepth else {
                    throw error("nesting deeper than \(JSONParser.maximumDepth) levels")
                }
                closers.append(b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == b else { throw error("unexpected '\(Character(Unicode.Scalar(b)))'") }
                closers.removeLast()
                index += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"), 0x20, 0x0A, 0x0D, 0x09:
                guard !closers.isEmpty else { return }
                index += 1
            default:
                index += 1
            }
        } while !closers.isEmpty || (index < bytes.count && !Self.endsScalar(bytes[index]))
    }

    private static func endsScalar(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return true
        default: return false
        }
    }

    /// An object key: as ``parseString()``, sharing one `String` per distinct long key within this document.
    private mutating func parseKey() throws(JSONSyntaxError) -> String {
        let start = index + 1
        var end = start
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        lastKeyHash = nil
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") { break }
            // Escapes, control characters and unterminated keys: the general path (and its errors).
            if b == UInt8(ascii: "\\") || b < 0x20 { return try parseString() }
            hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01b3
            end += 1
        }
        guard end < bytes.count else { return try parseString() }
        lastKeyHash = hash
        guard end - start > 15 else { return try parseString() }
        index = end + 1
        if var known = longKeys[hash], Self.equal(&known, bytes, start, end) { return known }
        let key = String(decoding: bytes[start..<end], as: UTF8.self)
        longKeys[hash] = key
        return key
    }

    /// Whether `string`'s UTF-8 is `bytes[start..<end]` (one `memcmp`; `elementsEqual` compared byte by byte through
    /// generic iterators).
    private static func equal(_ string: inout String, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        string.withUTF8 { known in
            guard known.count == end - start, let a = known.baseAddress, let b = bytes.baseAddress else { return known.count == end - start && start == end }
            return memcmp(a, b + start, end - start) == 0
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character in string") }
            index += 1
        }
        var out: [UInt8] = Array(bytes[start..<min(index, bytes.count)])
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw error("control character in string") }
            if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("invalid number")
        }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): index += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                isInteger = false
                index += 1
            default:
                return try number(start: start, isInteger: isInteger)
            }
        }
        return try number(start: start, isInteger: isInteger)
    }

    private func number(start: Int, isInteger: Bool) throws(JSONSyntaxError) -> JSONValue {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("invalid or out-of-range number '\(text)'") }
        return .double(d)
    }
}

/// A JSON syntax error with its 1-based position.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int
    public var description: String { "\(line):\(column): \(message)" }
}
