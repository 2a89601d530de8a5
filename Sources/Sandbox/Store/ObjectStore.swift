import Resources

/// The stored objects, with an index by group/resource so lists and controllers touch only their own kind.
struct ObjectStore: Sequence {
    private(set) var all: [StoreKey: JSONValue] = [:]
    private var index: [String: Set<StoreKey>] = [:]

    private static func bucket(_ group: String, _ resource: String) -> String { "\(resource).\(group)" }

    subscript(key: StoreKey) -> JSONValue? {
        get { all[key] }
        set {
            if let newValue {
                if all.updateValue(newValue, forKey: key) == nil {
                    index[Self.bucket(key.group, key.resource), default: []].insert(key)
                }
            } else {
                _ = removeValue(forKey: key)
            }
        }
    }

    @discardableResult
    mutating func removeValue(forKey key: StoreKey) -> JSONValue? {
        guard let old = all.removeValue(forKey: key) else { return nil }
        index[Self.bucket(key.group, key.resource)]?.remove(key)
        return old
    }

    /// The keys of one resource (any namespace).
    func keys(group: String, resource: String) -> Set<StoreKey> { index[Self.bucket(group, resource)] ?? [] }

    var keys: Dictionary<StoreKey, JSONValue>.Keys { all.keys }
    var values: Dictionary<StoreKey, JSONValue>.Values { all.values }

    func makeIterator() -> Dictionary<StoreKey, JSONValue>.Iterator { all.makeIterator() }
}
