import Resources

/// Computes the Git sync of one run (pure: no I/O, no clock). See README.md in this directory.
///
/// ```swift
/// let plan = SyncPlanner().plan(SyncInput(desired: manifests, live: live, inventories: inventories,
///                                         liveCanaries: canaries, options: SyncOptions(prune: true, sourceName: "apps")))
/// if plan.hasWrites { /* take the Lease, then let the Applier execute plan.entries */ }
/// ```
public struct SyncPlanner: Sendable {
    /// The hasher of the applied-hash annotation.
    public var hasher: any SyncHasher

    /// Creates a planner.
    public init(hasher: any SyncHasher = SyncSHA256Hasher()) { self.hasher = hasher }

    /// The plan.
    public func plan(_ input: SyncInput) -> SyncPlan {
        let prepared = prepare(input)
        return assemble(prepared, input, prepared.ordered.map { evaluate($0, prepared, input) })
    }

    /// The same plan as ``plan(_:)``, with the work per object (normalising, hashing, comparing with the live
    /// object: most of the time at thousands of objects) spread over up to `parallelism` tasks.
    public func plan(_ input: SyncInput, parallelism: Int) async -> SyncPlan {
        let prepared = prepare(input)
        let items = prepared.ordered
        let chunk = max(64, (items.count + 4 * parallelism - 1) / max(1, 4 * parallelism))
        let evaluated = await withTaskGroup(of: (Int, [Evaluated]).self) { group in
            for start in stride(from: 0, to: items.count, by: chunk) {
                group.addTask {
                    (start, items[start..<min(start + chunk, items.count)].map { self.evaluate($0, prepared, input) })
                }
            }
            var parts: [(Int, [Evaluated])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
        return assemble(prepared, input, evaluated)
    }

    /// A desired object, settled.
    struct Settled: Sendable {
        var key: SyncKey
        var object: JSONValue
        var manifest: Manifest
    }

    /// What the whole desired set decides before each object is planned on its own.
    struct Prepared: Sendable {
        var normalizer: SyncNormalizer
        var settled: [Settled]
        /// `settled` in kind order.
        var ordered: [Settled]
        var conflicts: [SyncConflict]
        var allDesired: Set<SyncKey>
        var ownership: SyncOwnership
        var shards: SyncShardMap
        /// ``SyncMemo/prefix(_:)`` of this run (nil without a memo).
        var memoPrefix: String?
    }

    /// The plan of one desired object.
    enum Evaluated: Sendable {
        case conflict(SyncConflict)
        case otherShard
        case entry(SyncEntry, key: SyncKey, version: String, replicas: Int64?, verified: String? = nil)
    }

    func prepare(_ input: SyncInput) -> Prepared {
        let options = input.options
        let normalizer = SyncNormalizer(
            sourceName: options.sourceName, defaultNamespace: options.defaultNamespace, desired: input.desired,
            clusterScopedKinds: options.clusterScopedKinds,
            hasher: hasher)
        var conflicts: [SyncConflict] = []

        // Settle every desired object; the first declaration of an identity wins.
        var settled: [Settled] = []
        var seen: [SyncKey: String] = [:]
        for manifest in input.desired {
            let object = normalizer.settle(manifest)
            let key = SyncKey(object: object)
            let location = manifest.source.description
            if let first = seen[key] {
                conflicts.append(SyncConflict(
                    ref: Manifest(object: object).ref, source: location,
                    reason: "declared twice (first at \(first)); only the first declaration is applied"))
                continue
            }
            seen[key] = location
            settled.append(Settled(key: key, object: object, manifest: manifest))
        }
        let allDesired = Set(settled.map(\.key))

        // Canaries of Git (and live ones, for what the rollout generates), workloads for config references.
        var workloads: [SyncKey: JSONValue] = [:]
        var gitCanaries: [SyncCanary] = []
        for s in settled {
            if s.key.kind == "Deployment" || s.key.kind == "DaemonSet" { workloads[s.key] = s.object }
            // A Canary without a target is still applied (the server validates it); it just owns nothing here.
            if s.key.kind == "Canary", s.key.group == "flagger.app", let c = SyncCanary(json: s.object) { gitCanaries.append(c) }
        }
        var canaries = gitCanaries
        let gitCanaryNames = Set(gitCanaries.map { "\($0.namespace)/\($0.name)" })
        for live in input.liveCanaries {
            // A live Canary without a target cannot name generated objects; the inventory check still guards prune.
            guard let c = SyncCanary(json: live), !gitCanaryNames.contains("\(c.namespace)/\(c.name)") else { continue }
            canaries.append(c)
        }
        let ownership = SyncOwnership(canaries: canaries, workloads: workloads)
        let shards = SyncSharding.assignments(canaries: gitCanaries, workloads: workloads, count: options.shard.count)
        return Prepared(
            normalizer: normalizer, settled: settled, ordered: SyncKindOrder.sorted(settled, key: \.key), conflicts: conflicts,
            allDesired: allDesired, ownership: ownership, shards: shards, memoPrefix: input.memo?.prefix(normalizer))
    }

    func evaluate(_ s: Settled, _ p: Prepared, _ input: SyncInput) -> Evaluated {
        let options = input.options
        let ref = s.manifest.ref
        let objectRef = s.key.ref(apiVersion: ref.apiVersion)
        if let owner = p.ownership.generator(of: s.key) {
            return .conflict(SyncConflict(
                ref: objectRef, source: s.manifest.source.description,
                reason: "is generated by \(owner) (the rollout owns it and writes it as gitcanary-rollout); "
                    + "it is not applied from Git: remove it from the repository"))
        }
        if options.shard.isSharded, p.shards.shard(of: s.key) != options.shard.index { return .otherShard }
        var object = s.object
        let replicas = p.ownership.strip(&object, key: s.key)
        let stage = SyncKindOrder.stage(group: s.key.group, kind: s.key.kind)
        let version = objectRef.version
        // A pair verified unchanged by an earlier run, with the same identities: unchanged again (``SyncMemo``).
        let fingerprint = input.live[s.key].flatMap { live in
            p.memoPrefix.flatMap { input.memo?.fingerprint(s, live: live, ownsReplicas: p.ownership.ownsReplicas(of: s.key), prefix: $0) }
        }
        if let fingerprint, let live = input.live[s.key], input.memo?.verified.contains(fingerprint) == true {
            let hash = Manifest(object: live).annotations[SyncLabels.appliedHash] ?? ""
            return .entry(SyncEntry(
                ref: objectRef, stage: stage, action: .unchanged(Self.unchangedMessage(hash)), exists: true),
                key: s.key, version: version, replicas: replicas, verified: fingerprint)
        }
        let (body, hash) = p.normalizer.finish(object)
        guard let live = input.live[s.key] else {
            return .entry(SyncEntry(ref: objectRef, stage: stage, action: .apply(body), exists: false), key: s.key, version: version, replicas: replicas)
        }
        let liveHash = Manifest(object: live).annotations[SyncLabels.appliedHash]
        let handover = p.ownership.handover(live: live, key: s.key, apiVersion: objectRef.apiVersion)
        if liveHash == hash && handover == nil && SyncCompare.holds(SyncCompare.comparable(body, live: live), in: live) {
            return .entry(SyncEntry(
                ref: objectRef, stage: stage, action: .unchanged(Self.unchangedMessage(hash)), exists: true),
                key: s.key, version: version, replicas: replicas, verified: fingerprint)
        }
        return .entry(SyncEntry(
            ref: objectRef, stage: stage, action: .apply(body), exists: true,
            changes: SyncDiff.changes(desired: body, live: live), handover: handover), key: s.key, version: version, replicas: replicas)
    }

    static func unchangedMessage(_ hash: String) -> String {
        "applied-hash \(hash.prefix(12)) matches and every field Git declares holds"
    }

    func assemble(_ p: Prepared, _ input: SyncInput, _ evaluated: [Evaluated]) -> SyncPlan {
        let options = input.options
        var conflicts = p.conflicts
        var entries: [SyncEntry] = []
        var inventory = SyncInventory()
        var gitReplicas: [SyncKey: Int64] = [:]
        var verified = Set<String>()
        for e in evaluated {
            switch e {
            case .conflict(let c): conflicts.append(c)
            case .otherShard: continue
            case .entry(let entry, let key, let version, let replicas, let fingerprint):
                if let fingerprint { verified.insert(fingerprint) }
                if let replicas { gitReplicas[key] = replicas }
                inventory.keys.insert(key)
                inventory.versions[key.groupKind] = version
                entries.append(entry)
            }
        }

        let previousOwn = input.inventories.first { $0.name == options.shard.inventoryName }?.inventory
        let prunes = pruneEntries(input, allDesired: p.allDesired, ownership: p.ownership, settled: p.settled.map(\.key))
        let pruned = Set(prunes.map(\.key))
        // Entries that left Git stay listed while their object lives and is not pruned now, so a later --prune
        // run (or shard 0) can still delete them.
        for key in (previousOwn?.keys ?? []) where !p.allDesired.contains(key) && !pruned.contains(key) {
            guard let live = input.live[key], Self.carriesSource(live, options.sourceName) else { continue }
            inventory.keys.insert(key)
            if let v = input.live.versions[key] { inventory.versions[key.groupKind] = ObjectRef(apiVersion: v, kind: "", name: "").version }
        }
        for (k, v) in previousOwn?.versions ?? [:] where inventory.versions[k] == nil { inventory.versions[k] = v }
        let changed = previousOwn.map { !inventory.sameStored(as: $0) } ?? !inventory.keys.isEmpty
        var plan = SyncPlan(
            // Already in kind order; a stable split keeps it within each stage.
            entries: entries.filter { $0.stage == .definitions } + entries.filter { $0.stage == .resources } + prunes,
            conflicts: conflicts,
            inventory: inventory, inventoryChanged: changed, gitReplicas: gitReplicas)
        plan.memo = input.memo.map { SyncMemo(verified: verified, salt: $0.salt) }
        plan.memoHits = input.memo.map { $0.verified.intersection(verified).count } ?? 0
        return plan
    }

    static func carriesSource(_ live: JSONValue, _ source: String) -> Bool {
        SyncLabels.isApplied(by: source, labels: Manifest(object: live).labels)
    }
}
