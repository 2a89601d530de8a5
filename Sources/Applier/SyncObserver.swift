import KubeAPI
import Planner
import Resources

/// Reads what the sync plan needs, read-only: every inventory of the source (one labelled LIST in the inventory
/// namespace), then one labelled LIST per kind and namespace scope (``SyncPlanner/observationScopes``), and the
/// live Canaries of those namespaces (unfiltered, so their generated objects are protected from prune).
///
/// A kind that the server does not serve is read as empty when a CRD in Git declares it (created by this sync) or
/// when only an inventory names it (its CRD is gone, so are its objects); any other read error is thrown
/// (architecture rule 5: read errors change nothing).
public struct SyncObserver: Sendable {
    /// The client.
    public let client: KubeClient
    /// LISTs in flight at once.
    public let concurrency: Int

    /// Creates an observer.
    public init(client: KubeClient, concurrency: Int = 4) {
        self.client = client
        self.concurrency = max(1, concurrency)
    }

    /// Observes and returns the plan's input. Scopes of `unlabelledKinds` in `unlabelledNamespaces` are listed
    /// without the label selector (filtered here instead), so that the canaries' observation can reuse them
    /// (``SyncInput/unfiltered``): one LIST per kind and namespace for both.
    /// `prefetched`: LISTs made before Git was read (``prefetch(_:options:)``); the reads it holds are not made again.
    /// `desiredScopes`: ``SyncPlanner/desiredScopes(_:options:)`` of `desired`, when the caller worked them out already.
    public func observe(
        desired: [Manifest], options: SyncOptions, unlabelledKinds: Set<String> = [], unlabelledNamespaces: Set<String> = [],
        prefetched: PrefetchedReads? = nil, desiredScopes known: SyncPlanner.DesiredScopes? = nil
    ) async throws(KubeAPIError) -> SyncInput {
        // The desired objects' scopes are worked out while the inventories are read.
        let client = client
        let prefetchedInventories = prefetched?.inventories
        async let inventoryRead = { () async -> Result<[SyncShardInventory], KubeAPIError> in
            if let prefetchedInventories { return .success(prefetchedInventories) }
            return await Self.listInventories(client, options: options).map { $0.map(SyncShardInventory.init(configMap:)) }
        }()
        let desiredScopes = known ?? SyncPlanner.desiredScopes(desired, options: options)
        let inventories = try await inventoryRead.get()
        let scopes = SyncPlanner.observationScopes(of: desiredScopes, inventories: inventories)
        // Kinds that may read as empty when not served: those whose CRD is in Git (created by this sync), and those
        // known only from an inventory (their CRD was removed: none of their objects can exist).
        var mayBeUnserved = Set(desired.filter { $0.kind == "CustomResourceDefinition" }.flatMap { m in
            CustomKinds.mappings(of: m.object).map { "\($0.gvr.apiVersion)|\($0.kind)" }
        })
        let declared = Set(desired.map { "\($0.apiVersion)|\($0.kind)" })
        for scope in scopes where !declared.contains("\(scope.apiVersion)|\(scope.kind)") {
            mayBeUnserved.insert("\(scope.apiVersion)|\(scope.kind)")
        }
        let gitKinds = mayBeUnserved
        var canaryNamespaces = Set(scopes.compactMap(\.namespace))
        canaryNamespaces.subtract(scopes.filter { $0.kind == "Canary" }.compactMap(\.namespace))
        var reads: [(scope: SyncScope, labelled: Bool)] = scopes.map { scope in
            let shared = unlabelledKinds.contains(scope.kind) && scope.namespace.map(unlabelledNamespaces.contains) == true
            return (scope, scope.kind != "Canary" && !shared)
        }
        reads += canaryNamespaces.sorted().map {
            (SyncScope(apiVersion: Canary.apiVersion, kind: Canary.kind, namespace: $0), false)
        }

        // Each read is listed and sorted out in its own task (the sorting is per object: done on every core), unless
        // it was made while Git was read.
        let source = options.sourceName
        let syncReads = reads.map { SyncRead(scope: $0.scope, labelled: $0.labelled) }
        let ready = prefetched?.listed ?? [:]
        let missing = syncReads.filter { ready[$0] == nil }
        let listed = await listAndSort(missing, source: source, gitKinds: gitKinds)
        let results: [Result<Listed, KubeAPIError>?] = syncReads.map { read in
            if let done = ready[read] { return .success(done) }
            return listed[read]
        }

        var live = SyncLiveState()
        var canaries: [JSONValue] = []
        var unfiltered: [SyncScope: [JSONValue]] = [:]
        var decoded: [SyncScope: [Canary?]] = [:]
        for (read, result) in zip(reads, results) {
            guard let result else { continue }
            let listed = try result.get()
            if let items = listed.unfiltered { unfiltered[read.scope, default: []] += items }
            if let d = listed.decodedCanaries { decoded[read.scope, default: []] += d }
            canaries += listed.canaries
            live.merge(listed.live)
        }
        var input = SyncInput(desired: desired, live: live, inventories: inventories, liveCanaries: canaries, options: options)
        input.unfiltered = unfiltered
        input.decodedCanaries = decoded
        input.reads = syncReads
        return input
    }

    /// Lists `reads` (at most ``concurrency`` at once), each sorted out in its own task.
    private func listAndSort(_ reads: [SyncRead], source: String, gitKinds: Set<String>) async -> [SyncRead: Result<Listed, KubeAPIError>] {
        await withTaskGroup(of: (SyncRead, Result<Listed, KubeAPIError>).self) { group in
            var out: [SyncRead: Result<Listed, KubeAPIError>] = [:]
            var next = 0
            func add() {
                let read = reads[next]
                group.addTask {
                    let listed = await self.list(read.scope, labelled: read.labelled, source: source, gitKinds: gitKinds)
                    return (read, listed.map { Listed(read.scope, labelled: read.labelled, source: source, items: $0) })
                }
                next += 1
            }
            while next < min(concurrency, reads.count) { add() }
            while let (read, r) = await group.next() {
                out[read] = r
                if next < reads.count { add() }
            }
            return out
        }
    }

    private static func listInventories(_ client: KubeClient, options: SyncOptions) async -> Result<[JSONValue], KubeAPIError> {
        do throws(KubeAPIError) {
            return .success(try await client.listAll(
                BuiltinResources.configMaps, namespace: options.inventoryNamespace,
                options: ListOptions(labelSelector: SyncLabels.inventorySelector(source: options.sourceName))))
        } catch {
            return .failure(error)
        }
    }

    /// LISTs made before the run knows what Git declares, to overlap them with the Git fetch: the inventories and
    /// the reads of the previous run (``SyncInput/reads``), which are the same while Git's kinds and namespaces are.
    /// Only successful reads are kept; ``observe(desired:options:unlabelledKinds:unlabelledNamespaces:prefetched:)``
    /// makes any other read itself, and a read Git no longer needs is just not used.
    public struct PrefetchedReads: Sendable {
        /// The inventories, decoded while the other reads were in flight.
        var inventories: [SyncShardInventory]?
        var listed: [SyncRead: Listed] = [:]
        /// How many of the reads were made.
        public var count: Int { listed.count }

        /// The objects of the reads made without the label selector that `used` does not contain (reads of the
        /// canaries' observation): every object, typed, without `managedFields`.
        public func unfiltered(except used: Set<SyncScope>) -> [SyncScope: [JSONValue]] {
            var out: [SyncScope: [JSONValue]] = [:]
            for (read, l) in listed where !read.labelled && !used.contains(read.scope) {
                if let items = l.unfiltered { out[read.scope] = items }
            }
            return out
        }
    }

    /// Makes the inventories' LIST and `reads` now (`options` gives the source name and the inventory namespace).
    public func prefetch(_ reads: [SyncRead], options: SyncOptions) async -> PrefetchedReads {
        let client = client
        async let inventory = Self.listInventories(client, options: options).map { $0.map(SyncShardInventory.init(configMap:)) }
        // Unknown kinds are not read as empty here: without Git, the observer cannot tell whether that is right.
        let listed = await listAndSort(reads, source: options.sourceName, gitKinds: [])
        var out = PrefetchedReads()
        out.inventories = try? await inventory.get()
        for (read, result) in listed {
            if case .success(let l) = result { out.listed[read] = l }
        }
        return out
    }

    /// Kinds whose `metadata.managedFields` the sync reads (``SyncOwnership/handover(live:key:apiVersion:)``); the
    /// LISTs of every other kind leave them out.
    static let ownershipReadKinds: Set<String> = ["Deployment", "DaemonSet"]

    /// One read, sorted out: what the sync keeps, what the canaries' observation reuses, the live Canaries.
    struct Listed: Sendable {
        /// The objects carrying the source's labels, indexed here (in the read's own task).
        var live: SyncLiveState
        /// Every object, typed and without `managedFields`, for a read made without the label selector.
        var unfiltered: [JSONValue]?
        /// The Canaries, typed.
        var canaries: [JSONValue] = []
        /// `unfiltered` decoded, for a read of Canaries: decoded here, on a core that would otherwise wait for the
        /// other LISTs (decoding a thousand Canaries is a noticeable part of a no-op run).
        var decodedCanaries: [Canary?]?

        init(_ scope: SyncScope, labelled: Bool, source: String, items: [JSONValue]) {
            if !labelled {
                // For the canaries' observation only, which never reads `managedFields` (a third of an object's
                // size): dropped, so that the objects the sync does not keep are held without them.
                unfiltered = items.map { item in
                    var o = item
                    o["apiVersion"] = .string(scope.apiVersion)
                    o["kind"] = .string(scope.kind)
                    if o["metadata", "managedFields"] != nil { o["metadata"]?["managedFields"] = nil }
                    return o
                }
            }
            if scope.kind == Canary.kind && scope.apiVersion.hasPrefix("flagger.app/") {
                // Canaries are read without the selector and their LISTs carry no `managedFields`: the typed copies
                // above are the live Canaries (one copy, not two).
                let typed = unfiltered ?? items.map { item in
                    var c = item
                    c["apiVersion"] = .string(scope.apiVersion)
                    c["kind"] = .string(Canary.kind)
                    return c
                }
                canaries = typed
                decodedCanaries = typed.map { try? Canary(json: $0) }
            }
            // The typed copies serve the sync too, unless the sync reads the `managedFields` they lack.
            let sorted = (SyncObserver.ownershipReadKinds.contains(scope.kind) ? nil : unfiltered) ?? items
            let carrying = labelled ? sorted : sorted.filter { SyncLabels.isApplied(by: source, labels: Manifest(object: $0).labels) }
            live = SyncLiveState(apiVersion: scope.apiVersion, kind: scope.kind, items: carrying)
        }
    }

    private func list(_ scope: SyncScope, labelled: Bool, source: String, gitKinds: Set<String>) async -> Result<[JSONValue], KubeAPIError> {
        let mapping: ResourceMapping
        do {
            mapping = try await client.mapping(apiVersion: scope.apiVersion, kind: scope.kind)
        } catch {
            // Not served yet: fine when Git declares the kind's CRD (it is created by this sync), or for Canaries.
            if error.code == .discovery && (gitKinds.contains("\(scope.apiVersion)|\(scope.kind)") || scope.kind == Canary.kind) {
                return .success([])
            }
            return .failure(error)
        }
        do {
            // Only a workload's field ownership is read (the hand-over of `spec.replicas` to the rollout).
            let items = try await client.listAll(
                mapping, namespace: scope.namespace,
                options: ListOptions(labelSelector: labelled ? SyncLabels.selector(source: source) : nil),
                droppingManagedFields: !Self.ownershipReadKinds.contains(scope.kind))
            return .success(items)
        } catch {
            if error.isNotFound && (gitKinds.contains("\(scope.apiVersion)|\(scope.kind)") || scope.kind == Canary.kind) {
                return .success([])
            }
            return .failure(error)
        }
    }
}
