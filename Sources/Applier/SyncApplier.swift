import KubeAPI
import Logging
import Planner
import Resources

/// Executes a ``SyncPlan`` against the cluster: server-side apply (field manager `gitcanary`, `force=true`) of the
/// definitions stage, a bounded wait until new CRDs are served and Namespaces are active, the remaining applies in
/// kind order (same-rank objects a few at a time), prunes with `propagationPolicy: Background`, and the inventory
/// ConfigMap when it changed. A failure of one object is reported in the ``ChangeSet`` and never stops the others.
public struct SyncApplier: Sendable {
    /// The client.
    public let client: KubeClient
    /// Options.
    public let options: SyncApplierOptions
    /// The logger (one line per written object at info, unchanged at debug).
    public let logger: Logger

    /// Creates an applier.
    public init(client: KubeClient, options: SyncApplierOptions = SyncApplierOptions(), logger: Logger = Logger(label: "gitcanary.applier")) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    /// Executes the plan; `sync` names the inventory's location and the source.
    /// - Parameters:
    ///   - lease: the run's Lease; once it is lost (another run took it), the writes not yet started are skipped.
    ///   - deadline: the run's time budget; writes not started by then are skipped (the next run does them).
    public func apply(
        _ plan: SyncPlan, sync: SyncOptions, lease: LeaseHandle? = nil, deadline: ContinuousClock.Instant? = nil
    ) async -> ChangeSet {
        let stop = RunGuard(lease: lease, deadline: deadline)
        var result = ChangeSet(dryRun: options.dryRun)
        let definitions = plan.entries(in: .definitions)
        let customKinds = CustomKinds(plan: plan)

        var defResults = await run(definitions, customKinds: customKinds, notServed: [:], stop: stop)
        var notServed: [String: String] = [:]
        if !options.dryRun {
            let waiter = DefinitionWaiter(client: client, timeout: options.definitionTimeout, poll: options.pollInterval)
            notServed = await waiter.wait(for: definitions, results: &defResults, customKinds: customKinds)
        }
        result.entries += defResults
        result.entries += await run(plan.entries(in: .resources), customKinds: customKinds, notServed: notServed, stop: stop)
        let prunes = await run(plan.entries(in: .prune), customKinds: customKinds, notServed: [:], stop: stop)
        result.entries += prunes

        guard plan.inventoryChanged || prunes.contains(where: { $0.action == .failed }), !options.dryRun else { return result }
        let location = "inventory ConfigMap \(sync.inventoryNamespace)/\(sync.shard.inventoryName)"
        if let why = stop.reason() {
            result.inventoryError = "\(location) \(why)"
            return result
        }
        var inventory = plan.inventory
        for (entry, outcome) in zip(plan.entries(in: .prune), prunes) where outcome.action == .failed {
            inventory.keys.insert(entry.key)  // a prune that failed is tried again next run
            inventory.versions[entry.key.groupKind] = entry.ref.version
        }
        do {
            try await writeInventory(inventory, sync: sync)
            result.inventoryWritten = true
        } catch {
            result.inventoryError = "\(location): \(error)"
            logger.error("the inventory could not be written", metadata: ["error": "\(error)"])
        }
        return result
    }

    /// Server-side applies the inventory ConfigMap.
    private func writeInventory(_ inventory: SyncInventory, sync: SyncOptions) async throws(KubeAPIError) {
        let body = inventory.configMap(name: sync.shard.inventoryName, namespace: sync.inventoryNamespace, source: sync.sourceName)
        _ = try await client.patch(
            BuiltinResources.configMaps, namespace: sync.inventoryNamespace, name: sync.shard.inventoryName,
            patch: .apply(body, fieldManager: options.fieldManager, force: true))
        logger.debug(
            "inventory written",
            metadata: ["configmap": "\(sync.inventoryNamespace)/\(sync.shard.inventoryName)", "objects": "\(inventory.keys.count)"])
    }

    /// Runs entries in order; consecutive entries of the same kind rank run `concurrency` at a time.
    func run(_ entries: [SyncEntry], customKinds: CustomKinds, notServed: [String: String], stop: RunGuard) async -> [ChangeSetEntry] {
        var out: [ChangeSetEntry] = []
        var start = 0
        while start < entries.count {
            let rank = SyncKindOrder.rank(group: entries[start].key.group, kind: entries[start].key.kind)
            var end = start + 1
            while end < entries.count, SyncKindOrder.rank(group: entries[end].key.group, kind: entries[end].key.kind) == rank,
                entries[end].key.kind == entries[start].key.kind
            {
                end += 1
            }
            out += await runBatch(Array(entries[start..<end]), customKinds: customKinds, notServed: notServed, stop: stop)
            start = end
        }
        return out
    }

    private func runBatch(
        _ batch: [SyncEntry], customKinds: CustomKinds, notServed: [String: String], stop: RunGuard
    ) async -> [ChangeSetEntry] {
        var results = [ChangeSetEntry?](repeating: nil, count: batch.count)
        await withTaskGroup(of: (Int, ChangeSetEntry).self) { group in
            var next = 0
            func add() {
                let i = next
                let entry = batch[i]
                group.addTask { (i, await self.execute(entry, customKinds: customKinds, notServed: notServed, stop: stop)) }
                next += 1
            }
            while next < min(options.concurrency, batch.count) { add() }
            while let (i, r) = await group.next() {
                results[i] = r
                if next < batch.count { add() }
            }
        }
        let out = results.compactMap { $0 }
        for r in out { log(r) }
        return out
    }

    private func log(_ r: ChangeSetEntry) {
        let meta: Logger.Metadata = ["object": "\(r.ref)", "action": "\(r.action.rawValue)", "dryRun": "\(options.dryRun)"]
        switch r.action {
        case .unchanged: logger.debug("\(r)", metadata: meta)
        case .failed: logger.error("\(r)", metadata: meta)
        default: logger.info("\(r)", metadata: meta)
        }
    }

    /// One entry: its write (or none), turned into a change-set entry.
    func execute(_ entry: SyncEntry, customKinds: CustomKinds, notServed: [String: String], stop: RunGuard) async -> ChangeSetEntry {
        if case .unchanged(let reason) = entry.action {
            return ChangeSetEntry(ref: entry.ref, action: .unchanged, message: reason)
        }
        if let why = stop.reason() {
            return ChangeSetEntry(ref: entry.ref, action: .skipped, message: why, changes: entry.changes)
        }
        if let why = notServed[entry.key.groupKind] {
            return ChangeSetEntry(ref: entry.ref, action: .failed, message: why)
        }
        let mapping: ResourceMapping
        if let m = customKinds.mapping(apiVersion: entry.ref.apiVersion, kind: entry.ref.kind) {
            mapping = m
        } else {
            do {
                mapping = try await client.mapping(apiVersion: entry.ref.apiVersion, kind: entry.ref.kind)
            } catch {
                return ChangeSetEntry(ref: entry.ref, action: .failed, message: ApplierErrorText.describe(error, ref: entry.ref))
            }
        }
        if options.dryRun, customKinds.isNew(group: entry.key.group, kind: entry.key.kind) {
            return ChangeSetEntry(
                ref: entry.ref, action: .skipped,
                message: "its CustomResourceDefinition is applied by this sync; a dry run cannot create it first",
                changes: entry.changes)
        }
        let namespace = mapping.namespaced ? entry.ref.namespace : nil
        switch entry.action {
        case .apply(let body):
            if let handover = entry.handover {
                // Same value as live, without force: the rollout's manager co-owns the field from now on.
                let request = KubeRequest.patch(
                    mapping, namespace: namespace, name: entry.ref.name,
                    patch: .apply(handover, fieldManager: options.rolloutFieldManager, force: false),
                    options: WriteOptions(dryRun: options.dryRun))
                do {
                    _ = try await client.send(request)
                } catch {
                    return ChangeSetEntry(
                        ref: entry.ref, action: .failed,
                        message: "handing spec.replicas over to \(options.rolloutFieldManager) failed (not applied, so it "
                            + "cannot be reset): \(ApplierErrorText.describe(error, ref: entry.ref))",
                        changes: entry.changes)
                }
            }
            let request = KubeRequest.patch(
                mapping, namespace: namespace, name: entry.ref.name,
                patch: .apply(body, fieldManager: options.fieldManager, force: options.force),
                options: WriteOptions(dryRun: options.dryRun))
            do {
                let response = try await client.send(request)
                let created = response.status == 201 || (!entry.exists && response.status != 200)
                return ChangeSetEntry(ref: entry.ref, action: created ? .created : .configured, changes: entry.changes)
            } catch where options.dryRun && error.isNotFound && customKinds.newNamespaces.contains(entry.ref.namespace) {
                return ChangeSetEntry(
                    ref: entry.ref, action: .skipped,
                    message: "its Namespace is applied by this sync; a dry run cannot create it first", changes: entry.changes)
            } catch {
                return ChangeSetEntry(ref: entry.ref, action: .failed, message: ApplierErrorText.describe(error, ref: entry.ref), changes: entry.changes)
            }
        case .prune:
            do {
                try await client.delete(
                    mapping, namespace: namespace, name: entry.ref.name,
                    options: DeleteOptions(propagationPolicy: .background, dryRun: options.dryRun))
                return ChangeSetEntry(ref: entry.ref, action: .deleted, message: "left Git")
            } catch where error.isNotFound {
                return ChangeSetEntry(ref: entry.ref, action: .deleted, message: "left Git (already gone)")
            } catch {
                return ChangeSetEntry(ref: entry.ref, action: .failed, message: ApplierErrorText.describe(error, ref: entry.ref))
            }
        case .unchanged(let reason):
            return ChangeSetEntry(ref: entry.ref, action: .unchanged, message: reason)
        }
    }
}

/// Why writes must stop: the Lease was lost, or the run's time budget is spent.
struct RunGuard: Sendable {
    let lease: LeaseHandle?
    let deadline: ContinuousClock.Instant?

    func reason() -> String? {
        if lease?.isLost == true { return "not written: another run took the Lease" }
        if let deadline, ContinuousClock.now >= deadline { return "not written: the run's time budget is spent (the next run does it)" }
        return nil
    }
}
