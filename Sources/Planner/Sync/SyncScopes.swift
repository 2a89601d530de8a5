import Resources

extension SyncPlanner {
    /// The LISTs the sync needs before planning: one per kind and namespace of the desired objects and of every
    /// inventory's entries (so prunes of kinds that left Git are seen), cluster-wide for cluster-scoped kinds.
    /// List them with ``SyncLabels/selector(source:)``; list Canaries separately for ``SyncInput/liveCanaries``.
    public static func observationScopes(
        desired: [Manifest], inventories: [SyncShardInventory], options: SyncOptions
    ) -> [SyncScope] {
        observationScopes(of: desiredScopes(desired, options: options), inventories: inventories)
    }

    /// The scopes of the desired objects, and the version Git uses for each `group/kind` (the part of
    /// ``observationScopes(desired:inventories:options:)`` that needs no inventory: computed while it is read).
    public struct DesiredScopes: Sendable {
        var scopes: Set<SyncScope> = []
        var versions: [String: String] = [:]

        /// Adds a desired object, whose settled key is `key`.
        mutating func add(_ manifest: Manifest, key: SyncKey) {
            if versions[key.groupKind] == nil { versions[key.groupKind] = manifest.apiVersion }
            scopes.insert(SyncScope(apiVersion: manifest.apiVersion, kind: key.kind, namespace: key.namespace.isEmpty ? nil : key.namespace))
        }
    }

    /// The desired objects' part of ``observationScopes(desired:inventories:options:)``.
    public static func desiredScopes(_ desired: [Manifest], options: SyncOptions) -> DesiredScopes {
        let normalizer = SyncNormalizer(sourceName: options.sourceName, defaultNamespace: options.defaultNamespace, desired: desired,
            clusterScopedKinds: options.clusterScopedKinds)
        var out = DesiredScopes()
        for manifest in desired { out.add(manifest, key: normalizer.settledKey(manifest)) }
        return out
    }

    /// ``observationScopes(desired:inventories:options:)`` from the desired objects' part.
    public static func observationScopes(of desired: DesiredScopes, inventories: [SyncShardInventory]) -> [SyncScope] {
        var scopes = desired.scopes
        let versions = desired.versions
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
