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
        let inventoryItems = try await client.listAll(
            BuiltinResources.configMaps, namespace: options.inventoryNamespace,
            options: ListOptions(labelSelector: SyncLabels.inventorySelector(source: options.sourceName)))
        let inventories = inventoryItems.map(SyncShardInventory.init(configMap:))
        let scopes = SyncPlanner.observationScopes(desired: desired, inventories: inventories, options: options)
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

        let results = await withTaskGroup(of: (Int, Result<[JSONValue], KubeAPIError>).self) { group in
            var out = [Result<[JSONValue], KubeAPIError>?](repeating: nil, count: reads.count)
            var next = 0
            func add() {
                let i = next
                let read = reads[i]
                group.addTask { (i, await self.list(read.scope, labelled: read.labelled, source: options.sourceName, gitKinds: gitKinds)) }
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
        for (read, result) in zip(reads, results) {
            guard let result else { continue }
            let items = try result.get()
            if !read.labelled {
                // For the canaries' observation only, which never reads `managedFields` (a third of an object's
                // size): dropped, so that the objects the sync does not keep are held without them.
                unfiltered[read.scope, default: []] += items.map { item in
                    var o = item
                    o["apiVersion"] = .string(read.scope.apiVersion)
                    o["kind"] = .string(read.scope.kind)
                    o["metadata"]?["managedFields"] = nil
                    return o
                }
            }
            if read.scope.kind == Canary.kind && read.scope.apiVersion.hasPrefix("flagger.app/") {
                canaries += items.map { item in
                    var c = item
                    c["apiVersion"] = .string(read.scope.apiVersion)
                    c["kind"] = .string(Canary.kind)
                    return c
                }
            }
            let labelled = read.labelled ? items : items.filter {
                SyncLabels.isApplied(by: options.sourceName, labels: Manifest(object: $0).labels)
            }
            live.add(apiVersion: read.scope.apiVersion, kind: read.scope.kind, items: labelled)
        }
        var input = SyncInput(desired: desired, live: live, inventories: inventories, liveCanaries: canaries, options: options)
        input.unfiltered = unfiltered
        return input
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
            let items = try await client.listAll(
                mapping, namespace: scope.namespace,
                options: ListOptions(labelSelector: labelled ? SyncLabels.selector(source: source) : nil))
            return .success(items)
        } catch {
            if error.isNotFound && (gitKinds.contains("\(scope.apiVersion)|\(scope.kind)") || scope.kind == Canary.kind) {
                return .success([])
            }
            return .failure(error)
        }
    }
}
