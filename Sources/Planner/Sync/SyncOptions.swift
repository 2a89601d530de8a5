/// A shard of a sharded run: `--shard INDEX/COUNT`.
public struct SyncShard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// This run's shard, `0 ..< count`.
    public var index: Int
    /// The number of shards (1: not sharded).
    public var count: Int

    /// Creates a shard; `count` below 1 counts as 1 and `index` is clamped into range.
    public init(index: Int, count: Int) {
        self.count = max(1, count)
        self.index = min(max(0, index), self.count - 1)
    }

    /// Not sharded: `0/1`.
    public static let single = SyncShard(index: 0, count: 1)

    /// Whether the run is sharded.
    public var isSharded: Bool { count > 1 }
    /// Shard 0 applies every object no canary claims, and alone prunes.
    public var isPrimary: Bool { index == 0 }

    /// The inventory ConfigMap's name: `gitcanary-inventory`, or `gitcanary-inventory-<index>` when sharded.
    public var inventoryName: String { isSharded ? "gitcanary-inventory-\(index)" : "gitcanary-inventory" }
    /// The Lease's name: `gitcanary-<index>`.
    public var leaseName: String { "gitcanary-\(index)" }

    /// `INDEX/COUNT`.
    public var description: String { "\(index)/\(count)" }
}

/// Options of the Git sync plan.
public struct SyncOptions: Sendable, Hashable {
    /// Delete objects that GitCanary applied before and that left Git (`--prune`).
    public var prune: Bool
    /// The short stable name of the source, the value of the `gitcanary.dev/source` label.
    public var sourceName: String
    /// This run's shard.
    public var shard: SyncShard
    /// The namespace of the inventory ConfigMap and the Lease (default `gitcanary-system`).
    public var inventoryNamespace: String
    /// The namespace given to namespaced objects that declare none (the run's `--namespace`).
    public var defaultNamespace: String
    /// Custom kinds the server serves cluster-scoped whose CRD is not in Git, as `group/Kind` (from discovery),
    /// so they get no default namespace.
    public var clusterScopedKinds: Set<String>

    /// Creates options.
    public init(
        prune: Bool = false, sourceName: String, shard: SyncShard = .single,
        inventoryNamespace: String = "gitcanary-system", defaultNamespace: String = "default",
        clusterScopedKinds: Set<String> = []
    ) {
        self.clusterScopedKinds = clusterScopedKinds
        self.prune = prune
        self.sourceName = sourceName
        self.shard = shard
        self.inventoryNamespace = inventoryNamespace
        self.defaultNamespace = defaultNamespace
    }
}
