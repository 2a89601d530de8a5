import Resources

extension SyncPlanner {
    /// Prunes: objects of any shard's previous inventory that left Git, observed live with this source's labels,
    /// never a generated object of a canary (in Git or live), never a Namespace that still holds desired objects
    /// or live canaries, never a CRD whose kind is still declared or (for Canaries) still has live objects.
    /// Only shard 0 prunes, and only with `--prune`. Ordered in reverse kind order (custom resources first,
    /// Namespaces and CRDs last).
    func pruneEntries(
        _ input: SyncInput, allDesired: Set<SyncKey>, ownership: SyncOwnership, settled: [SyncKey]
    ) -> [SyncEntry] {
        let options = input.options
        guard options.prune, options.shard.isPrimary else { return [] }
        var previous = Set<SyncKey>()
        var versions: [SyncKey: String] = [:]
        for inv in input.inventories {
            for key in inv.inventory.keys {
                previous.insert(key)
                if versions[key] == nil, let v = inv.inventory.apiVersion(of: key) { versions[key] = v }
            }
        }
        let busyNamespaces = Set(settled.map(\.namespace)).union(input.liveCanaries.compactMap { $0["metadata", "namespace"]?.stringValue })
        let declaredKinds = Set(settled.map { "\($0.group)/\($0.kind)" })
        var out: [SyncEntry] = []
        for key in previous.subtracting(allDesired) {
            guard ownership.generator(of: key) == nil else { continue }
            guard let live = input.live[key], Self.carriesSource(live, options.sourceName) else { continue }
            if key.kind == "Namespace", key.group.isEmpty, busyNamespaces.contains(key.name) { continue }
            if key.kind == "CustomResourceDefinition" {
                let group = live["spec", "group"]?.stringValue ?? ""
                let kind = live["spec", "names", "kind"]?.stringValue ?? ""
                if declaredKinds.contains("\(group)/\(kind)") { continue }
                if group == "flagger.app" && kind == "Canary" && !input.liveCanaries.isEmpty { continue }
            }
            guard let apiVersion = input.live.version(of: key) ?? versions[key] else { continue }
            let ref = key.ref(apiVersion: apiVersion)
            out.append(SyncEntry(ref: ref, stage: .prune, action: .prune(ref), exists: true))
        }
        return SyncKindOrder.sorted(out, descending: true, key: \.key)
    }
}
