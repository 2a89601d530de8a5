import Resources

/// The stored objects, with an index by group/resource so lists and controllers touch only their own kind, and
/// an ownership index (uid → key, owner uid → dependents) so the garbage collector touches only what a change
/// concerns.
struct ObjectStore: Sequence {
    private(set) var all: [StoreKey: JSONValue] = [:]
    private var index: [String: Set<StoreKey>] = [:]
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
                if old == nil { index[Self.bucket(key.group, key.resource), default: []].insert(key) }
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
        reindex(key, old: old, new: nil)
        return old
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
