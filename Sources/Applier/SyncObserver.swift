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
    public func observe(
        desired: [Manifest], options: SyncOptions, unlabelledKinds: Set<String> = [], unlabelledNamespaces: Set<String> = []
    ) async throws(KubeAPIError) -> SyncInput {
        // The desired objects' scopes are worked out while the inventories are read.
        let client = client
        async let inventoryItems = { () async -> Result<[JSONValue], KubeAPIError> in
            do throws(KubeAPIError) {
                return .success(try await client.listAll(
                    BuiltinResources.configMaps, namespace: options.inventoryNamespace,
                    options: ListOptions(labelSelector: SyncLabels.inventorySelector(source: options.sourceName))))
            } catch {
                return .failure(error)
            }
        }()
        let desiredScopes = SyncPlanner.desiredScopes(desired, options: options)
        let inventories = try await inventoryItems.get().map(SyncShardInventory.init(configMap:))
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

        // Each read is listed and sorted out in its own task (the sorting is per object: done on every core).
        let source = options.sourceName
        let results = await withTaskGroup(of: (Int, Result<Listed, KubeAPIError>).self) { group in
            var out = [Result<Listed, KubeAPIError>?](repeating: nil, count: reads.count)
            var next = 0
            func add() {
                let i = next
                let read = reads[i]
                group.addTask {
                    let listed = await self.list(read.scope, labelled: read.labelled, source: source, gitKinds: gitKinds)
                    return (i, listed.map { Listed(read.scope, labelled: read.labelled, source: source, items: $0) })
                }
                next += 1
            }
            while next < min(concurrency, reads.count) { add() }
            while let (i, r) = await group.next() {
                out[i] = r
                if next < reads.count { add() }
            }
            return out
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
            live.add(apiVersion: read.scope.apiVersion, kind: read.scope.kind, items: listed.live)
        }
        var input = SyncInput(desired: desired, live: live, inventories: inventories, liveCanaries: canaries, options: options)
        input.unfiltered = unfiltered
        input.decodedCanaries = decoded
        return input
    }

    /// Kinds whose `metadata.managedFields` the sync reads (``SyncOwnership/handover(live:key:apiVersion:)``); the
    /// LISTs of every other kind leave them out.
    static let ownershipReadKinds: Set<String> = ["Deployment", "DaemonSet"]

    /// One read, sorted out: what the sync keeps, what the canaries' observation reuses, the live Canaries.
    struct Listed: Sendable {
        /// The objects carrying the source's labels.
        var live: [JSONValue]
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
                canaries = items.map { item in
                    var c = item
                    c["apiVersion"] = .string(scope.apiVersion)
                    c["kind"] = .string(Canary.kind)
                    return c
                }
            }
            if let unfiltered, scope.kind == Canary.kind && scope.apiVersion.hasPrefix("flagger.app/") {
                decodedCanaries = unfiltered.map { try? Canary(json: $0) }
            }
            live = labelled ? items : items.filter { SyncLabels.isApplied(by: source, labels: Manifest(object: $0).labels) }
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
