import Resources

extension SyncPlanner {
    /// The LISTs the sync needs before planning: one per kind and namespace of the desired objects and of every
    /// inventory's entries (so prunes of kinds that left Git are seen), cluster-wide for cluster-scoped kinds.
    /// List them with ``SyncLabels/selector(source:)``; list Canaries separately for ``SyncInput/liveCanaries``.
    public static func observationScopes(
        desired: [Manifest], inventories: [SyncShardInventory], options: SyncOptions
    ) -> [SyncScope] {
        let normalizer = SyncNormalizer(sourceName: options.sourceName, defaultNamespace: options.defaultNamespace, desired: desired,
            clusterScopedKinds: options.clusterScopedKinds)
        var scopes = Set<SyncScope>()
        var versions: [String: String] = [:]
        for manifest in desired {
            let key = SyncKey(object: normalizer.settle(manifest))
            versions[key.groupKind] = versions[key.groupKind] ?? manifest.apiVersion
            scopes.insert(SyncScope(
                apiVersion: manifest.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace))
        }
        for inv in inventories {
            for key in inv.inventory.keys {
                guard let apiVersion = versions[key.groupKind] ?? inv.inventory.apiVersion(of: key) else { continue }
                scopes.insert(SyncScope(apiVersion: apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace))
            }
        }
        // One version per kind: the one Git uses.
        return scopes.filter { s in
            let gk = SyncKey(group: ObjectRef(apiVersion: s.apiVersion, kind: s.kind, name: "").group, kind: s.kind, name: "x").groupKind
            return versions[gk] == nil || versions[gk] == s.apiVersion
        }.sorted()
    }
}
