/// The fields of a JSON object, in the order they were written.
///
/// Equality and hashing ignore the order: two objects are equal when they hold the same fields with equal values.
///
/// Stored as one array of fields, searched linearly while small (most Kubernetes objects have a handful of fields
/// per level) and through a key → position index built once an object grows past ``indexThreshold`` fields. One
/// allocation per object instead of a hash table plus a key array: decoded manifests and LIST responses take about
/// half the memory and are built and iterated faster.
public struct JSONObject: Sendable, Hashable, Sequence {
    fileprivate struct Field: Sendable {
        var key: String
        var value: JSONValue
    }

    private var fields: ContiguousArray<Field> = []
    /// Key → position in `fields`; only for objects with more than ``indexThreshold`` fields.
    private var index: [String: Int]?

    /// Objects with more fields than this get a hash index.
    static let indexThreshold = 12

    /// An empty object.
    public init() {}

    /// An object from ordered pairs; a repeated key keeps its first position and its last value.
    public init(_ pairs: [(String, JSONValue)]) {
        fields.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    /// An object from fields whose keys the caller knows to be distinct (the parser): no key is looked up.
    init(distinctFields: ArraySlice<(String, JSONValue)>) {
        fields.reserveCapacity(distinctFields.count)
        for (k, v) in distinctFields { fields.append(Field(key: k, value: v)) }
        if fields.count > JSONObject.indexThreshold { rebuildIndex() }
    }

    /// Keys in insertion order.
    public var keys: [String] { fields.map(\.key) }
    /// The number of fields.
    public var count: Int { fields.count }
    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return fields.firstIndex { $0.key == key }
    }

    private mutating func rebuildIndex() {
        guard fields.count > JSONObject.indexThreshold else {
            index = nil
            return
        }
        var built: [String: Int] = [:]
        built.reserveCapacity(fields.count)
        for (i, f) in fields.enumerated() { built[f.key] = i }
        index = built
    }

    /// Changes the value of `key` in place, appending `inserting` first when the key is missing. (The subscript's
    /// getter and setter would copy the value, and with it every field of an object value.)
    public mutating func update(_ key: String, inserting initial: @autoclosure () -> JSONValue, _ change: (inout JSONValue) -> Void) {
        if position(of: key) == nil { self[key] = initial() }
        guard let i = position(of: key) else { return }
        change(&fields[i].value)
    }

    /// The value of a field; setting `nil` removes the field, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { fields[$0].value } }
        // In place when the key exists: the stored value is moved out while it is changed, so that a change through
        // it (`o["metadata"]?["labels"] = ...`) does not copy it.
        _modify {
            guard let i = position(of: key) else {
                var added: JSONValue? = nil
                defer { if let added { self[key] = added } }
                yield &added
                return
            }
            var value: JSONValue? = fields[i].value
            fields[i].value = .null
            defer {
                if let value {
                    fields[i].value = value
                } else {
                    fields.remove(at: i)
                    if index != nil { rebuildIndex() }
                }
            }
            yield &value
        }
        set {
            if let newValue {
                if let i = position(of: key) {
                    fields[i].value = newValue
                } else {
                    fields.append(Field(key: key, value: newValue))
                    if index != nil {
                        index?[key] = fields.count - 1
                    } else if fields.count > JSONObject.indexThreshold {
                        rebuildIndex()
                    }
                }
            } else if let i = position(of: key) {
                fields.remove(at: i)
                if index != nil { rebuildIndex() }
            }
        }
    }

    /// Reserves room for `count` fields (a parser that knows the size).
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// Iterates the fields in order.
    public func makeIterator() -> Iterator { Iterator(fields: fields) }

    /// The iterator of the fields, in order. A concrete type, not `some IteratorProtocol`: an opaque result type is
    /// resolved at run time (its metadata demangled) by every loop over an object in another module, which cost more
    /// than the loop's work.
    public struct Iterator: IteratorProtocol {
        private let fields: ContiguousArray<Field>
        private var position = 0
        fileprivate init(fields: ContiguousArray<Field>) { self.fields = fields }
        /// The next field.
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard position < fields.count else { return nil }
            defer { position += 1 }
            return (key: fields[position].key, value: fields[position].value)
        }
    }

    /// Same fields with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.fields.count == rhs.fields.count else { return false }
        for f in lhs.fields {
            guard let other = rhs[f.key], other == f.value else { return false }
        }
        return true
    }

    /// Hashes the fields independently of their order (as `Dictionary` does).
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for f in fields {
            var h = Hasher()
            h.combine(f.key)
            h.combine(f.value)
            combined ^= h.finalize()
        }
        hasher.combine(fields.count)
        hasher.combine(combined)
    }
}
