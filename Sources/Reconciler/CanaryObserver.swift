import Foundation
import KubeAPI
import Planner
import Resources

/// The cluster state the canaries of a run depend on, read with one LIST per kind and namespace (or one
/// cluster-wide LIST per kind with `-A`), never a GET per object.
struct ClusterSnapshot: Sendable {
    /// The Canaries of this run (selector and shard applied), as read.
    private(set) var canaries: [JSONValue] = []
    /// `canaries` decoded (`nil`: does not decode), once per observation rather than once per use.
    private(set) var decodedCanaries: [Canary?] = []

    /// Sets the Canaries of this run and decodes them on every core (a thousand Canaries are a noticeable part of a
    /// no-op run).
    /// `decoded` holds, per Canary, its decoded form when already known (`.some(nil)`: does not decode), else `nil`.
    mutating func setCanaries(_ list: [JSONValue], decoded known: [Canary??]? = nil) async {
        canaries = list
        let known = known ?? Array(repeating: nil, count: list.count)
        // Small chunks: a core busy with other work (the sync's plan) must not hold back half of them.
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = max(32, (list.count + 4 * cores - 1) / (4 * cores))
        let starts = Array(stride(from: 0, to: list.count, by: chunk))
        let parts = await boundedMap(starts, limit: cores) { start in
            (start..<min(start + chunk, list.count)).map { i in known[i] ?? (try? Canary(json: list[i])) }
        }
        decodedCanaries = parts.flatMap { $0 }
    }

    /// Replaces one Canary (and its decoded form).
    mutating func replaceCanary(at index: Int, with json: JSONValue) {
        canaries[index] = json
        decodedCanaries[index] = try? Canary(json: json)
    }
    /// Every Canary observed (for `--max-progressing`, which counts cluster-wide from the observed statuses).
    var allCanaries: [JSONValue] = []
    /// Objects by kind, namespace and name (the apiVersion of the LIST is kept in the object).
    var objects: [ObjectKey: JSONValue] = [:]
    /// Scopes whose LIST failed, with the error (canaries depending on them are skipped: rule 5).
    var failed: [Scope: String] = [:]
    /// Scopes the canaries' observation read, from a LIST of its own or one made earlier in the run, in order.
    var read: [Scope] = []

    /// A LIST scope.
    struct Scope: Sendable, Hashable, CustomStringConvertible {
        var apiVersion: String
        var kind: String
        /// `nil`: cluster-wide.
        var namespace: String?
        var description: String { "\(kind) (\(apiVersion)) in \(namespace ?? "all namespaces")" }
    }

    /// An object's identity regardless of its version.
    struct ObjectKey: Sendable, Hashable {
        var kind: String
        var namespace: String
        var name: String
        init(kind: String, namespace: String, name: String) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
        }
        init(_ ref: ObjectRef) { self.init(kind: ref.kind, namespace: ref.namespace, name: ref.name) }
    }

    /// The observed object of a reference.
    func object(_ ref: ObjectRef) -> JSONValue? { objects[ObjectKey(ref)] }
}

/// Reads the canaries and what they depend on.
struct CanaryObserver: Sendable {
    let client: KubeClient
    let concurrency: Int

    /// Observes the canaries of `namespaces` (`nil`: cluster-wide), filtered by `selector` and `shard`. Scopes in
    /// `prefetched` (what the sync's observation of this run listed without a selector) are not listed again.
    func observe(
        namespaces: [String]?, selector: String?, shard: SyncShard, settings: PlannerSettings,
        prefetched: [SyncScope: [JSONValue]] = [:], prefetchedCanaries: [SyncScope: [Canary?]] = [:]
    ) async throws(KubeAPIError) -> ClusterSnapshot {
        var snap = ClusterSnapshot()
        let canaryMapping = BuiltinResources.canaries
        var all: [JSONValue] = []
        var known: [Canary??] = []
        for ns in namespaces.map({ $0.map(Optional.some) }) ?? [nil] {
            let scope = SyncScope(apiVersion: canaryMapping.gvr.apiVersion, kind: canaryMapping.kind, namespace: ns)
            if ns != nil, let items = prefetched[scope] {
                all += items
                if let decoded = prefetchedCanaries[scope], decoded.count == items.count {
                    known += decoded.map { Optional.some($0) }
                } else {
                    known += Array(repeating: nil, count: items.count)
                }
                continue
            }
            do {
                let items = try await client.listAll(canaryMapping, namespace: ns, droppingManagedFields: true).map(Self.typed(canaryMapping))
                all += items
                known += Array(repeating: nil, count: items.count)
            } catch where error.isNotFound {
                continue  // the Canary CRD is not installed (yet): no canaries
            }
        }
        snap.allCanaries = all
        var selected = Array(all.indices)
        if let selector, !selector.isEmpty {
            let names = Set(try await listNames(canaryMapping, namespaces: namespaces, selector: selector))
            selected = selected.filter { names.contains(Self.identity(all[$0])) }
        }
        selected = selected.filter { i in
            SyncSharding.shard(namespace: all[i]["metadata", "namespace"]?.stringValue ?? "", name: all[i]["metadata", "name"]?.stringValue ?? "",
                               count: shard.count) == shard.index
        }
        let sorted = selected.map { (Self.identity(all[$0]), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        await snap.setCanaries(sorted.map { all[$0] }, decoded: sorted.map { known[$0] })

        let decoded = snap.decodedCanaries.compactMap { $0 }
        var scopes = Set<ClusterSnapshot.Scope>()
        for c in decoded {
            for r in PlanDependencies.refs(of: c, target: nil, settings: settings) { scopes.insert(scope(r, namespaces)) }
            // Templates and providers only where a canary names one (builtin metrics and canaries without alerts need
            // neither: a run of such canaries makes no request for them).
            let analysis = c.effectiveAnalysis
            for ref in (analysis?.metrics ?? []).compactMap(\.templateRef) {
                scopes.insert(.init(apiVersion: Canary.apiVersion, kind: "MetricTemplate", namespace: scopeNamespace(ref.namespace ?? c.namespace, namespaces)))
            }
            for alert in analysis?.alerts ?? [] {
                scopes.insert(.init(apiVersion: Canary.apiVersion, kind: "AlertProvider",
                                    namespace: scopeNamespace(alert.providerRef.namespace ?? c.namespace, namespaces)))
            }
        }
        await read(scopes, into: &snap, prefetched: prefetched)
        // Second round: the ConfigMaps/Secrets the targets reference, and the Secrets of templates and providers.
        var more = Set<ClusterSnapshot.Scope>()
        for c in decoded {
            let target = snap.objects[.init(kind: c.targetKind, namespace: c.namespace, name: c.targetName)]
            for r in PlanDependencies.refs(of: c, target: target, settings: settings) { more.insert(scope(r, namespaces)) }
        }
        for (k, v) in snap.objects where k.kind == "MetricTemplate" || k.kind == "AlertProvider" {
            if v["spec", "provider", "secretRef"] != nil || v["spec", "secretRef"] != nil {
                more.insert(.init(apiVersion: "v1", kind: "Secret", namespace: scopeNamespace(k.namespace, namespaces)))
            }
        }
        more.subtract(scopes)
        await read(more, into: &snap, prefetched: prefetched)
        return snap
    }

    /// The scopes a canary's plan depends on, to skip it when one of them failed.
    func dependencies(of canary: Canary, target: JSONValue?, namespaces: [String]?, settings: PlannerSettings) -> Set<ClusterSnapshot.Scope> {
        Set(PlanDependencies.refs(of: canary, target: target, settings: settings).map { scope($0, namespaces) })
    }

    private func scopeNamespace(_ ns: String, _ namespaces: [String]?) -> String? { namespaces == nil ? nil : ns }

    private func scope(_ ref: ObjectRef, _ namespaces: [String]?) -> ClusterSnapshot.Scope {
        .init(apiVersion: ref.apiVersion, kind: ref.kind, namespace: scopeNamespace(ref.namespace, namespaces))
    }

    private func read(_ scopes: Set<ClusterSnapshot.Scope>, into snap: inout ClusterSnapshot, prefetched: [SyncScope: [JSONValue]]) async {
        var list: [ClusterSnapshot.Scope] = []
        for s in scopes.sorted(by: { $0.description < $1.description }) {
            guard let items = prefetched[SyncScope(apiVersion: s.apiVersion, kind: s.kind, namespace: s.namespace)] else {
                list.append(s)
                continue
            }
            Self.insert(items, kind: s.kind, into: &snap)
            snap.read.append(s)
        }
        let results = await boundedMap(list, limit: concurrency) { s in await self.list(s) }
        for (s, r) in zip(list, results) {
            switch r {
            case .success(let items):
                Self.insert(items, kind: s.kind, into: &snap)
                snap.read.append(s)
            case .failure(let e):
                snap.failed[s] = e.description
            }
        }
    }

    /// Adds listed objects to the snapshot by kind, namespace and name (ten thousand at N = 1,000: read once each).
    private static func insert(_ items: [JSONValue], kind: String, into snap: inout ClusterSnapshot) {
        snap.objects.reserveCapacity(snap.objects.count + items.count)
        for o in items {
            let metadata = o["metadata"]
            let key = ClusterSnapshot.ObjectKey(
                kind: kind, namespace: metadata?["namespace"]?.stringValue ?? "", name: metadata?["name"]?.stringValue ?? "")
            snap.objects[key] = o
        }
    }

    private func list(_ s: ClusterSnapshot.Scope) async -> Result<[JSONValue], KubeAPIError> {
        let mapping: ResourceMapping
        do {
            mapping = try await client.mapping(apiVersion: s.apiVersion, kind: s.kind)
        } catch {
            // A kind the server does not serve (e.g. no Istio CRDs) has no objects; writes of it report the error.
            if error.code == .discovery || error.isNotFound { return .success([]) }
            return .failure(error)
        }
        do {
            return .success(try await client.listAll(mapping, namespace: s.namespace, droppingManagedFields: true).map(Self.typed(mapping)))
        } catch {
            if error.isNotFound { return .success([]) }
            return .failure(error)
        }
    }

    private func listNames(_ mapping: ResourceMapping, namespaces: [String]?, selector: String) async throws(KubeAPIError) -> [String] {
        var out: [String] = []
        for ns in namespaces.map({ $0.map(Optional.some) }) ?? [nil] {
            out += try await client.listAll(mapping, namespace: ns, options: ListOptions(labelSelector: selector)).map(Self.identity)
        }
        return out
    }

    static func identity(_ o: JSONValue) -> String {
        "\(o["metadata", "namespace"]?.stringValue ?? "")/\(o["metadata", "name"]?.stringValue ?? "")"
    }

    /// LIST items carry no apiVersion/kind: set them from the mapping. `metadata.managedFields` is dropped: no canary
    /// plan reads it (the status PUT removes it anyway), and it is a third of a live object's size, so the snapshot of
    /// 1,000 canaries' objects keeps ~30 % less memory.
    static func typed(_ mapping: ResourceMapping) -> @Sendable (JSONValue) -> JSONValue {
        { item in
            var o = item
            o["apiVersion"] = .string(mapping.gvr.apiVersion)
            o["kind"] = .string(mapping.kind)
            if o["metadata", "managedFields"] != nil { o["metadata"]?["managedFields"] = nil }
            return o
        }
    }
}

/// Maps `items` with at most `limit` operations in flight, keeping the order.
func boundedMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int, _ body: @escaping @Sendable (T) async -> R) async -> [R] {
    await withTaskGroup(of: (Int, R).self) { group in
        var out = [R?](repeating: nil, count: items.count)
        var next = 0
        while next < min(max(1, limit), items.count) {
            let i = next
            group.addTask { (i, await body(items[i])) }
            next += 1
        }
        while let (i, r) = await group.next() {
            out[i] = r
            if next < items.count {
                let j = next
                group.addTask { (j, await body(items[j])) }
                next += 1
            }
        }
        return out.compactMap { $0 }
    }
}
