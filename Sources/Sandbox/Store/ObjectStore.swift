import Resources

/// The stored objects, with an index by group/resource so lists and controllers touch only their own kind, and
/// an ownership index (uid → key, owner uid → dependents) so the garbage collector touches only what a change
/// concerns.
struct ObjectStore: Sequence {
    private(set) var all: [StoreKey: JSONValue] = [:]
    private var index: [String: Set<StoreKey>] = [:]
    /// The keys of each resource by namespace, kept sorted (a LIST serves them in key order without sorting).
    private var sorted: [String: [String: [StoreKey]]] = [:]
    /// The key of every stored object by `metadata.uid`.
    private var byUID: [String: StoreKey] = [:]
    /// The keys of the objects whose `metadata.ownerReferences` name a uid, by that uid (live or not).
    private var byOwner: [String: Set<StoreKey>] = [:]
    /// Owner uids that lost a dependent (its reference dropped or the dependent removed) since the last
    /// ``takeReleasedOwners()``: a foreground deletion waiting for them may be able to finish.
    private var releasedOwners: [String] = []
    /// Each object's JSON as last served in a LIST (in one version), dropped when the object changes.
    private var encoded: [StoreKey: (groupVersion: String, bytes: [UInt8])] = [:]

    private static func bucket(_ group: String, _ resource: String) -> String { "\(resource).\(group)" }

    subscript(key: StoreKey) -> JSONValue? {
        get { all[key] }
        set {
            if let newValue {
                let old = all.updateValue(newValue, forKey: key)
                encoded[key] = nil
                if old == nil {
                    index[Self.bucket(key.group, key.resource), default: []].insert(key)
                    insertSorted(key)
                }
                reindex(key, old: old, new: newValue)
            } else {
                _ = removeValue(forKey: key)
            }
        }
    }

    @discardableResult
    mutating func removeValue(forKey key: StoreKey) -> JSONValue? {
        guard let old = all.removeValue(forKey: key) else { return nil }
        encoded[key] = nil
        index[Self.bucket(key.group, key.resource)]?.remove(key)
        removeSorted(key)
        reindex(key, old: old, new: nil)
        return old
    }

    /// The keys of one resource in one namespace (`nil`: every namespace), in key order.
    func sortedKeys(group: String, resource: String, namespace: String?) -> [StoreKey] {
        guard let byNamespace = sorted[Self.bucket(group, resource)] else { return [] }
        if let namespace { return byNamespace[namespace] ?? [] }
        return byNamespace.keys.sorted().flatMap { byNamespace[$0] ?? [] }
    }

    /// The position of `key` in its sorted namespace list (where it is, or where it would go).
    private static func position(of key: StoreKey, in keys: [StoreKey]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func insertSorted(_ key: StoreKey) {
        let bucket = Self.bucket(key.group, key.resource)
        var keys = sorted[bucket]?[key.namespace] ?? []
        sorted[bucket]?[key.namespace] = nil  // uniquely referenced while it changes
        keys.insert(key, at: Self.position(of: key, in: keys))
        sorted[bucket, default: [:]][key.namespace] = keys
    }

    private mutating func removeSorted(_ key: StoreKey) {
        let bucket = Self.bucket(key.group, key.resource)
        guard var keys = sorted[bucket]?[key.namespace] else { return }
        sorted[bucket]?[key.namespace] = nil
        let i = Self.position(of: key, in: keys)
        if i < keys.count, keys[i] == key { keys.remove(at: i) }
        if !keys.isEmpty { sorted[bucket]?[key.namespace] = keys }
    }

    /// The keys of one resource (any namespace).
    func keys(group: String, resource: String) -> Set<StoreKey> { index[Self.bucket(group, resource)] ?? [] }

    /// The JSON bytes of `view` (the stored object as served in `groupVersion`), encoded once per change of the
    /// object: a LIST of unchanged objects copies bytes instead of encoding every object again.
    mutating func encodedBytes(_ key: StoreKey, groupVersion: String, view: () -> JSONValue) -> [UInt8] {
        if let e = encoded[key], e.groupVersion == groupVersion { return e.bytes }
        let bytes = JSONWriter.bytes(view())
        if all[key] != nil { encoded[key] = (groupVersion, bytes) }
        return bytes
    }

    /// The key of the stored object with this uid.
    func key(uid: String) -> StoreKey? { byUID[uid] }

    /// The keys of the stored objects whose owner references name `uid`.
    func dependents(of uid: String) -> Set<StoreKey> { byOwner[uid] ?? [] }

    /// The owner uids that lost a dependent since the last call.
    mutating func takeReleasedOwners() -> [String] {
        defer { releasedOwners.removeAll() }
        return releasedOwners
    }

    /// The uids an object's owner references name.
    static func ownerUIDs(_ obj: JSONValue?) -> [String] {
        (obj?["metadata", "ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
    }

    private mutating func reindex(_ key: StoreKey, old: JSONValue?, new: JSONValue?) {
        let oldUID = old?["metadata", "uid"]?.stringValue, newUID = new?["metadata", "uid"]?.stringValue
        if oldUID != newUID {
            if let oldUID, byUID[oldUID] == key { byUID[oldUID] = nil }
            if let newUID { byUID[newUID] = key }
        }
        let oldOwners = Self.ownerUIDs(old), newOwners = Self.ownerUIDs(new)
        if oldOwners != newOwners {
            for u in oldOwners where !newOwners.contains(u) {
                releasedOwners.append(u)
                byOwner[u]?.remove(key)
                if byOwner[u]?.isEmpty == true { byOwner[u] = nil }
            }
            for u in newOwners { byOwner[u, default: []].insert(key) }
        }
    }

    var keys: Dictionary<StoreKey, JSONValue>.Keys { all.keys }
    var values: Dictionary<StoreKey, JSONValue>.Values { all.values }

    func makeIterator() -> Dictionary<StoreKey, JSONValue>.Iterator { all.makeIterator() }
}
