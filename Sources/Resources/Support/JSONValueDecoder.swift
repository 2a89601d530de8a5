import Foundation

/// Decodes `Decodable` models straight from a ``JSONValue`` tree, without writing JSON text and parsing it again.
///
/// It accepts a strict subset of what Foundation's `JSONDecoder` accepts (exact types only: an integer field needs
/// an integer, a string field a string; dates are RFC 3339 strings), and for that subset gives the same values.
/// Anything else, including every malformed object, throws; ``JSONCoding/decode(_:from:)`` then decodes with
/// Foundation's decoder, so errors, and every lenient conversion Foundation makes, stay exactly Foundation's. As no
/// error of this decoder is ever shown, it keeps no coding path (`codingPath` is always empty): building one was an
/// array allocation per decoded field.
struct JSONValueDecoder {
    /// Decodes `type` from `value`; throws ``Unsupported`` for anything outside the strict subset.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try Node(value: value).decodeValue(type)
    }

    /// The value is not in the strict subset (or is malformed): decode it with Foundation's decoder instead.
    struct Unsupported: Error {}

    struct Node: Decoder {
        let value: JSONValue
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let object) = value else { throw Unsupported() }
            return KeyedDecodingContainer(Keyed<Key>(object: object))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw Unsupported() }
            return Unkeyed(items: items)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: self) }

        func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == JSONValue.self, let v = value as? T { return v }
            if T.self == Date.self {
                guard case .string(let s) = value, let date = RFC3339.parse(s), let d = date as? T else { throw Unsupported() }
                return d
            }
            // Types Foundation's decoder treats specially: leave them to it.
            if T.self == URL.self || T.self == Data.self || T.self == Decimal.self { throw Unsupported() }
            return try T(from: self)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: JSONObject
        var codingPath: [any CodingKey] { [] }

        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func field(_ key: Key) throws -> JSONValue {
            guard let v = object[key.stringValue] else { throw Unsupported() }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool { try field(key).isNull }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Scalar.bool(field(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try Scalar.string(field(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Scalar.double(field(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw Unsupported() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Scalar.integer(field(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Scalar.integer(field(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Scalar.integer(field(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Scalar.integer(field(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Scalar.integer(field(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Scalar.integer(field(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Scalar.integer(field(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Scalar.integer(field(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Scalar.integer(field(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Scalar.integer(field(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try Node(value: try field(key)).decodeValue(type)
        }

        // `decodeIfPresent` with one lookup (the protocol's default looks the key up three times: `contains`,
        // `decodeNil`, `decode`): most of a Canary's optional fields are absent.
        func present(_ key: Key) -> JSONValue? {
            guard let v = object[key.stringValue], !v.isNull else { return nil }
            return v
        }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key).map(Scalar.bool) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key).map(Scalar.string) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key).map(Scalar.double) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
            guard present(key) == nil else { throw Unsupported() }
            return nil
        }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try present(key).map(Scalar.integer) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try present(key).map(Scalar.integer) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let v = present(key) else { return nil }
            return try Node(value: v).decodeValue(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try Node(value: try field(key)).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try Node(value: try field(key)).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Unsupported() }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        var codingPath: [any CodingKey] { [] }
        var currentIndex = 0

        init(items: [JSONValue]) { self.items = items }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> JSONValue {
            guard currentIndex < items.count else { throw Unsupported() }
            defer { currentIndex += 1 }
            return items[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard currentIndex < items.count else { throw Unsupported() }
            if items[currentIndex].isNull {
                currentIndex += 1
                return true
            }
            return false
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try Scalar.bool(next()) }
        mutating func decode(_ type: String.Type) throws -> String { try Scalar.string(next()) }
        mutating func decode(_ type: Double.Type) throws -> Double { try Scalar.double(next()) }
        mutating func decode(_ type: Float.Type) throws -> Float { throw Unsupported() }
        mutating func decode(_ type: Int.Type) throws -> Int { try Scalar.integer(next()) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try Scalar.integer(next()) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try Scalar.integer(next()) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try Scalar.integer(next()) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try Scalar.integer(next()) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try Scalar.integer(next()) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalar.integer(next()) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalar.integer(next()) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalar.integer(next()) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalar.integer(next()) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try Node(value: try next()).decodeValue(type)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try Node(value: try next()).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try Node(value: try next()).unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder { throw Unsupported() }
    }

    struct Single: SingleValueDecodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { node.codingPath }

        func decodeNil() -> Bool { node.value.isNull }
        func decode(_ type: Bool.Type) throws -> Bool { try Scalar.bool(node.value) }
        func decode(_ type: String.Type) throws -> String { try Scalar.string(node.value) }
        func decode(_ type: Double.Type) throws -> Double { try Scalar.double(node.value) }
        func decode(_ type: Float.Type) throws -> Float { throw Unsupported() }
        func decode(_ type: Int.Type) throws -> Int { try Scalar.integer(node.value) }
        func decode(_ type: Int8.Type) throws -> Int8 { try Scalar.integer(node.value) }
        func decode(_ type: Int16.Type) throws -> Int16 { try Scalar.integer(node.value) }
        func decode(_ type: Int32.Type) throws -> Int32 { try Scalar.integer(node.value) }
        func decode(_ type: Int64.Type) throws -> Int64 { try Scalar.integer(node.value) }
        func decode(_ type: UInt.Type) throws -> UInt { try Scalar.integer(node.value) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalar.integer(node.value) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalar.integer(node.value) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalar.integer(node.value) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalar.integer(node.value) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try node.decodeValue(type) }
    }

    /// Exact scalar conversions: the only ones this decoder makes.
    enum Scalar {
        static func bool(_ v: JSONValue) throws -> Bool {
            guard case .bool(let b) = v else { throw Unsupported() }
            return b
        }
        static func string(_ v: JSONValue) throws -> String {
            guard case .string(let s) = v else { throw Unsupported() }
            return s
        }
        /// An integer as a double (exactly, as Foundation's decoder reads integer literals for Double fields).
        static func double(_ v: JSONValue) throws -> Double {
            switch v {
            case .double(let d) where d.isFinite: return d
            case .int(let i) where abs(i) <= 1 << 53: return Double(i)
            default: throw Unsupported()
            }
        }
        static func integer<I: FixedWidthInteger>(_ v: JSONValue) throws -> I {
            guard case .int(let i) = v, let out = I(exactly: i) else { throw Unsupported() }
            return out
        }
    }
}
