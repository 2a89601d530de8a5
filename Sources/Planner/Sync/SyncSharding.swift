import Resources

/// The shard split (`--shard INDEX/COUNT`): canaries go to shards by a stable hash of `namespace/name`; a canary's
/// shard applies the canary, its target, the ConfigMaps/Secrets the target references, its autoscaler and the
/// MetricTemplates/AlertProviders it references; shard 0 applies every other object (and alone prunes).
///
/// An object referenced by canaries of several shards belongs to the lowest of them, so exactly one shard
/// applies each object.
public enum SyncSharding {
    /// The shard of a canary: FNV-1a 64 of `namespace/name` modulo `count` (stable across runs and machines).
    public static func shard(namespace: String, name: String, count: Int) -> Int {
        guard count > 1 else { return 0 }
        return Int(StableHash.fnv1a("\(namespace)/\(name)") % UInt64(count))
    }

    /// The objects each canary claims: its own key and those of the objects it references.
    public static func claims(of canary: SyncCanary, workloads: [SyncKey: JSONValue]) -> Set<SyncKey> {
        let ns = canary.namespace
        var out: Set<SyncKey> = [SyncKey(group: "flagger.app", kind: "Canary", namespace: ns, name: canary.name)]
        let kind = canary.targetKind
        let target = SyncKey(group: kind == "Service" ? "" : "apps", kind: kind, namespace: ns, name: canary.targetName)
        out.insert(target)
        if let workload = workloads[target] {
            let refs = PodTemplateRefs(workload: workload)
            for c in refs.configMaps { out.insert(SyncKey(group: "", kind: "ConfigMap", namespace: ns, name: c)) }
            for s in refs.secrets { out.insert(SyncKey(group: "", kind: "Secret", namespace: ns, name: s)) }
        }
        if let scaler = canary.autoscaler {
            let group = scaler.kind == "ScaledObject" ? "keda.sh" : "autoscaling"
            out.insert(SyncKey(group: group, kind: scaler.kind, namespace: ns, name: scaler.name))
        }
        for ref in canary.metricTemplates {
            out.insert(SyncKey(group: "flagger.app", kind: "MetricTemplate", namespace: ref.namespace, name: ref.name))
        }
        for ref in canary.alertProviders {
            out.insert(SyncKey(group: "flagger.app", kind: "AlertProvider", namespace: ref.namespace, name: ref.name))
        }
        return out
    }

    /// The shard of every claimed object (unclaimed objects belong to shard 0).
    public static func assignments(canaries: [SyncCanary], workloads: [SyncKey: JSONValue], count: Int) -> SyncShardMap {
        var map = SyncShardMap()
        guard count > 1 else { return map }
        for canary in canaries {
            let shard = shard(namespace: canary.namespace, name: canary.name, count: count)
            for key in claims(of: canary, workloads: workloads) { map.claim(key, shard: shard) }
        }
        return map
    }
}

/// Which shard each claimed object belongs to; unclaimed objects belong to shard 0.
public struct SyncShardMap: Sendable {
    private var byKey: [SyncKey: Int] = [:]
    // The group of a claimed autoscaler may be written differently in Git: a second index without it.
    private var byName: [SyncOwnership.GeneratedKey: Int] = [:]

    /// An empty map (everything on shard 0).
    public init() {}

    /// Claims an object for a shard; the lowest shard wins.
    public mutating func claim(_ key: SyncKey, shard: Int) {
        byKey[key] = min(byKey[key] ?? shard, shard)
        let n = SyncOwnership.GeneratedKey(kind: key.kind, namespace: key.namespace, name: key.name)
        byName[n] = min(byName[n] ?? shard, shard)
    }

    /// The shard of an object.
    public func shard(of key: SyncKey) -> Int {
        byKey[key] ?? byName[SyncOwnership.GeneratedKey(kind: key.kind, namespace: key.namespace, name: key.name)] ?? 0
    }
}
