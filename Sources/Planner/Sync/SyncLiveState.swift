import Resources

/// The live objects the sync compares against, from one LIST per kind and namespace scope (never a GET per object).
///
/// LIST items carry no `apiVersion`/`kind` of their own, so they are added with the version and kind that were
/// listed. Only the objects carrying the source's labels need to be listed (``SyncLabels/selector(source:)``):
/// an object without them is treated as absent, which means "apply" (and server-side apply adopts it).
public struct SyncLiveState: Sendable {
    /// The objects of one group, kind and namespace, by name, with the `apiVersion` each was listed with.
    private struct Part: Sendable {
        var objects: [String: (object: JSONValue, apiVersion: String)] = [:]
    }

    private struct PartKey: Sendable, Hashable {
        var group: String
        var kind: String
        var namespace: String
    }

    /// Objects by group, kind and namespace: a LIST's objects are indexed in the LIST's own task
    /// (``init(apiVersion:kind:items:)``) and joined with ``merge(_:)``, which does not index them again.
    private var parts: [PartKey: Part] = [:]

    /// An empty state.
    public init() {}

    /// The items of one LIST of `apiVersion` `kind`.
    public init(apiVersion: String, kind: String, items: [JSONValue]) {
        let group = ObjectRef(apiVersion: apiVersion, kind: kind, name: "").group
        for item in items {
            var object = item
            if object["apiVersion"] == nil { object["apiVersion"] = .string(apiVersion) }
            if object["kind"] == nil { object["kind"] = .string(kind) }
            let ref = Manifest(object: object).ref
            parts[PartKey(group: group, kind: kind, namespace: ref.namespace), default: Part()].objects[ref.name] = (object, apiVersion)
        }
    }

    /// Adds the items of one LIST of `apiVersion` `kind`.
    public mutating func add(apiVersion: String, kind: String, items: [JSONValue]) {
        merge(SyncLiveState(apiVersion: apiVersion, kind: kind, items: items))
    }

    /// Adds the objects of `other`; an object both hold is taken from `other`.
    public mutating func merge(_ other: SyncLiveState) {
        for (key, part) in other.parts {
            if let mine = parts[key] {
                parts[key] = Part(objects: mine.objects.merging(part.objects) { _, theirs in theirs })
            } else {
                parts[key] = part
            }
        }
    }

    /// The live object of a key.
    public subscript(key: SyncKey) -> JSONValue? {
        parts[PartKey(group: key.group, kind: key.kind, namespace: key.namespace)]?.objects[key.name]?.object
    }

    /// The `apiVersion` the live object of a key was listed with.
    public func version(of key: SyncKey) -> String? {
        parts[PartKey(group: key.group, kind: key.kind, namespace: key.namespace)]?.objects[key.name]?.apiVersion
    }
}

/// One LIST the Reconciler must make so the sync sees what it needs: a kind in one namespace, or cluster-wide.
public struct SyncScope: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The `apiVersion` to list.
    public var apiVersion: String
    /// The kind.
    public var kind: String
    /// The namespace; `nil` for cluster-scoped kinds.
    public var namespace: String?

    /// Creates a scope.
    public init(apiVersion: String, kind: String, namespace: String?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
    }

    public static func < (a: SyncScope, b: SyncScope) -> Bool {
        (a.kind, a.namespace ?? "", a.apiVersion) < (b.kind, b.namespace ?? "", b.apiVersion)
    }

    /// `Kind (apiVersion) in namespace ns`.
    public var description: String { "\(kind) (\(apiVersion))" + (namespace.map { " in namespace \($0)" } ?? "") }
}

/// One LIST of the sync's observation: a scope, read with the source's label selector or without it (to share the
/// objects with the canaries' observation).
public struct SyncRead: Sendable, Hashable {
    /// What is listed.
    public var scope: SyncScope
    /// Whether the source's label selector is used.
    public var labelled: Bool

    /// Creates a read.
    public init(scope: SyncScope, labelled: Bool) {
        self.scope = scope
        self.labelled = labelled
    }

    /// One line of text: `labelled|apiVersion|kind|namespace` (`-` for cluster-wide), for a file of reads.
    public var line: String { "\(labelled ? "l" : "u")|\(scope.apiVersion)|\(scope.kind)|\(scope.namespace ?? "-")" }

    /// Parses ``line``; `nil` when it is not one.
    public init?(line: Substring) {
        let parts = line.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "l" || parts[0] == "u", !parts[1].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        self.init(scope: SyncScope(apiVersion: String(parts[1]), kind: String(parts[2]), namespace: parts[3] == "-" ? nil : String(parts[3])),
                  labelled: parts[0] == "l")
    }
}

/// Everything the sync plan is computed from.
public struct SyncInput: Sendable {
    /// Desired manifests from Git (already decoded), every shard's.
    public var desired: [Manifest]
    /// Live objects carrying the source's labels.
    public var live: SyncLiveState
    /// Every inventory read (this shard's and, for the primary shard's prune, the others').
    public var inventories: [SyncShardInventory]
    /// Live Canaries (their generated objects are never pruned, even when the Canary left Git).
    public var liveCanaries: [JSONValue]
    /// Options.
    public var options: SyncOptions
    /// The objects of the scopes that were read without the label selector (Canaries, and the kinds the observer
    /// was asked to share), every object, typed (`apiVersion`/`kind` set): the canaries' observation reuses them
    /// instead of listing the same scope again.
    public var unfiltered: [SyncScope: [JSONValue]] = [:]
    /// The Canaries of ``unfiltered``, decoded in the same order (`nil`: does not decode), so that the canaries'
    /// observation does not decode them again. Filled by the observer while other LISTs are still in flight.
    public var decodedCanaries: [SyncScope: [Canary?]] = [:]
    /// The LISTs the observation made (in order), for the next run to make them while it fetches Git.
    public var reads: [SyncRead] = []
    /// What earlier runs verified (``SyncMemo``); `nil` plans every object in full.
    public var memo: SyncMemo?
    /// ``SyncPlanner/settle(_:options:)`` of ``desired`` and ``options``, when worked out already (ignored, and
    /// worked out again, when it settled other objects or options).
    public var settlement: SyncSettlement?

    /// Creates an input.
    public init(
        desired: [Manifest], live: SyncLiveState = SyncLiveState(), inventories: [SyncShardInventory] = [],
        liveCanaries: [JSONValue] = [], options: SyncOptions
    ) {
        self.desired = desired
        self.live = live
        self.inventories = inventories
        self.liveCanaries = liveCanaries
        self.options = options
    }
}
