import Resources

/// What a shard applied: identities plus the version each kind was applied with (so a prune can address a kind
/// that left Git entirely). Kept in the cluster as a ConfigMap (see ``configMap(name:namespace:source:)``).
public struct SyncInventory: Sendable, Hashable {
    /// The objects.
    public var keys: Set<SyncKey>
    /// `group/kind` → version last applied.
    public var versions: [String: String]

    /// Creates an inventory.
    public init(keys: Set<SyncKey> = [], versions: [String: String] = [:]) {
        self.keys = keys
        self.versions = versions
    }

    /// The data key listing `group/kind/namespace/name` lines, sorted.
    public static let entriesKey = "entries"
    /// The data key listing `group/kind=version` lines, sorted.
    public static let versionsKey = "versions"

    /// The `apiVersion` to address a key with, when the inventory knows its kind.
    public func apiVersion(of key: SyncKey) -> String? {
        versions[key.groupKind].map { key.apiVersion(version: $0) }
    }

    /// Reads an inventory ConfigMap's data; unparsable lines are ignored (never pruned).
    public init(configMap: JSONValue) {
        var keys = Set<SyncKey>()
        for line in (configMap["data", Self.entriesKey]?.stringValue ?? "").split(separator: "\n") {
            if let k = SyncKey(inventoryLine: line) { keys.insert(k) }
        }
        var versions: [String: String] = [:]
        for line in (configMap["data", Self.versionsKey]?.stringValue ?? "").split(separator: "\n") {
            guard let eq = line.lastIndex(of: "=") else { continue }
            versions[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        self.init(keys: keys, versions: versions)
    }

    /// The ConfigMap that stores this inventory (labelled with the source so every shard's can be listed at once).
    public func configMap(name: String, namespace: String, source: String) -> JSONValue {
        let entries = keys.map(\.inventoryLine).sorted().joined(separator: "\n")
        let vs = versions.filter { v in keys.contains { $0.groupKind == v.key } }
            .map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n")
        return [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": [
                    SyncLabels.managedBy: .string(SyncLabels.managedByValue),
                    SyncLabels.inventory: .string(source),
                ],
            ],
            "data": [Self.entriesKey: .string(entries), Self.versionsKey: .string(vs)],
        ]
    }

    /// Whether two inventories store the same text (versions of kinds no longer listed do not count).
    public func sameStored(as other: SyncInventory) -> Bool {
        keys == other.keys && relevantVersions == other.relevantVersions
    }

    private var relevantVersions: [String: String] {
        let kinds = Set(keys.map(\.groupKind))
        return versions.filter { kinds.contains($0.key) }
    }
}

/// An inventory as read from the cluster, with the ConfigMap it came from.
public struct SyncShardInventory: Sendable, Hashable {
    /// The ConfigMap's name.
    public var name: String
    /// The inventory.
    public var inventory: SyncInventory

    /// Creates one.
    public init(name: String, inventory: SyncInventory) {
        self.name = name
        self.inventory = inventory
    }

    /// Reads one from a listed ConfigMap.
    public init(configMap: JSONValue) {
        self.init(name: configMap["metadata", "name"]?.stringValue ?? "", inventory: SyncInventory(configMap: configMap))
    }
}
