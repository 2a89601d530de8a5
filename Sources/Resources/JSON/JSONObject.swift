/// The fields of a JSON object, in the order they were written.
///
/// Equality and hashing ignore the order: two objects are equal when they hold the same fields with equal values.
public struct JSONObject: Sendable, Hashable, Sequence {
    private var storage: [String: JSONValue] = [:]
    /// Keys in insertion order.
    public private(set) var keys: [String] = []

    /// An empty object.
    public init() {}

    /// An object from ordered pairs; a repeated key keeps its first position and its last value.
    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The number of fields.
    public var count: Int { keys.count }
    /// Whether there are no fields.
    public var isEmpty: Bool { keys.isEmpty }

    /// Reads, adds, replaces or (with `nil`) removes a field.
    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The fields in order.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        var index = 0
        let keys = self.keys
        let storage = self.storage
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            let k = keys[index]
            return (key: k, value: storage[k] ?? .null)
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}
