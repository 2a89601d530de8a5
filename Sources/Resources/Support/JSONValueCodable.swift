import Foundation

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .int(i); return }
        if let d = try? c.decode(Double.self) { self = .double(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        let keyed = try decoder.container(keyedBy: AnyCodingKey.self)
        var o = JSONObject()
        for key in keyed.allKeys { o[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
        self = .object(o)
    }

    /// Encodes the value as itself.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .double(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let a):
            var c = encoder.unkeyedContainer()
            for v in a { try c.encode(v) }
        case .object(let o):
            var c = encoder.container(keyedBy: AnyCodingKey.self)
            for (k, v) in o { try c.encode(v, forKey: AnyCodingKey(k)) }
        }
    }
}

/// A coding key for arbitrary object keys.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Bridges typed `Codable` models and ``JSONValue``.
///
/// Decoding reads the value tree directly when every field has its exact type (``JSONValueDecoder``), and otherwise
/// goes through the value's JSON text with Foundation's decoder, whose lenient conversions and error messages are
/// the contract; timestamps are RFC 3339 (with or without fractional seconds), as Kubernetes writes them.
public enum JSONCoding {
    /// Decodes a typed value from a JSON value.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        if let fast = try? JSONValueDecoder.decode(type, from: value) { return fast }
        return try foundationDecode(type, from: value)
    }

    /// Decodes with Foundation's `JSONDecoder` through the value's JSON text (the reference for ``decode(_:from:)``).
    static func foundationDecode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let c = try d.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = RFC3339.parse(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not an RFC 3339 time")
            }
            return date
        }
        return try decoder.decode(T.self, from: Data(JSONWriter.bytes(value)))
    }

    /// Encodes a typed value into a JSON value (nil optionals omitted).
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, e in
            var c = e.singleValueContainer()
            try c.encode(RFC3339.format(date))
        }
        let data = try encoder.encode(value)
        return try JSONParser.parse([UInt8](data))
    }
}
