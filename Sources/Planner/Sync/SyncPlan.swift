import Resources

/// The stage of a sync entry: definitions first (waited for until served), then the rest, then prunes.
public enum SyncStage: Int, Sendable, Hashable, Codable, Comparable {
    /// CustomResourceDefinitions and Namespaces.
    case definitions = 0
    /// Every other applied object, in ``SyncKindOrder``.
    case resources = 1
    /// Deletions of objects that left Git, in reverse kind order.
    case prune = 2

    public static func < (a: SyncStage, b: SyncStage) -> Bool { a.rawValue < b.rawValue }
}

/// What the sync does with one object.
public enum SyncAction: Sendable, Hashable {
    /// Server-side apply this body (stripped of rollout-owned fields, labelled, carrying its applied-hash).
    case apply(JSONValue)
    /// No write: the live object already holds what Git declares (the reason says why it is sure).
    case unchanged(String)
    /// Delete this object: GitCanary applied it before and it left Git.
    case prune(ObjectRef)
}

/// One object of the plan.
public struct SyncEntry: Sendable, Hashable {
    /// The object, with the version the write uses.
    public var ref: ObjectRef
    /// Its stage.
    public var stage: SyncStage
    /// What to do.
    public var action: SyncAction
    /// Whether the object was observed live (an apply is then a `configured`, else a `created`).
    public var exists: Bool
    /// Field-level changes (Secret values masked) for `gitcanary plan`; empty for creations, prunes and unchanged.
    public var changes: [FieldChange]
    /// An apply by the rollout's field manager (``SyncFieldManagers/rollout``) to send before this entry's apply,
    /// handing over a rollout-owned field Git's manager owned alone so far (see ``SyncOwnership/handover``).
    public var handover: JSONValue?

    /// Creates an entry.
    public init(
        ref: ObjectRef, stage: SyncStage, action: SyncAction, exists: Bool, changes: [FieldChange] = [],
        handover: JSONValue? = nil
    ) {
        self.ref = ref
        self.stage = stage
        self.action = action
        self.exists = exists
        self.changes = changes
        self.handover = handover
    }

    /// The identity.
    public var key: SyncKey { SyncKey(ref) }

    /// Whether the entry writes.
    public var isWrite: Bool {
        if case .unchanged = action { return false }
        return true
    }
}

/// An object in Git the sync will not apply, with the reason (e.g. a generated object of a canary).
public struct SyncConflict: Sendable, Hashable, CustomStringConvertible {
    /// The object as declared.
    public var ref: ObjectRef
    /// Where it was declared (`file:line`).
    public var source: String
    /// Why it is not applied and what to do.
    public var reason: String

    /// Creates a conflict.
    public init(ref: ObjectRef, source: String, reason: String) {
        self.ref = ref
        self.source = source
        self.reason = reason
    }

    /// `file:line: Kind/ns/name: reason`.
    public var description: String { (source.isEmpty ? "" : "\(source): ") + "\(ref): \(reason)" }
}

/// The Git sync of one run: ordered entries, the conflicts found, and the inventory to keep.
public struct SyncPlan: Sendable, Hashable {
    /// Entries in execution order: definitions, resources, prunes.
    public var entries: [SyncEntry]
    /// Objects in Git that are not applied, with reasons.
    public var conflicts: [SyncConflict]
    /// This shard's inventory after the run (everything it applies; objects whose prune fails are added back).
    public var inventory: SyncInventory
    /// Whether ``inventory`` differs from the one read (the inventory ConfigMap is written only then).
    public var inventoryChanged: Bool
    /// The replica count Git declares for each canary target (it becomes the primary's; never applied to the target).
    public var gitReplicas: [SyncKey: Int64]
    /// The pairs verified unchanged by this plan, for the next run's ``SyncInput/memo`` (`nil` when the input had none).
    public var memo: SyncMemo?
    /// How many objects ``SyncInput/memo`` showed unchanged (not normalised, hashed or compared again).
    public var memoHits = 0

    /// Creates a plan.
    public init(
        entries: [SyncEntry], conflicts: [SyncConflict] = [], inventory: SyncInventory, inventoryChanged: Bool,
        gitReplicas: [SyncKey: Int64] = [:]
    ) {
        self.entries = entries
        self.conflicts = conflicts
        self.inventory = inventory
        self.inventoryChanged = inventoryChanged
        self.gitReplicas = gitReplicas
    }

    /// Entries of one stage, in order.
    public func entries(in stage: SyncStage) -> [SyncEntry] { entries.filter { $0.stage == stage } }

    /// The number of applies.
    public var applyCount: Int { entries.count { if case .apply = $0.action { true } else { false } } }
    /// The number of prunes.
    public var pruneCount: Int { entries.count { if case .prune = $0.action { true } else { false } } }
    /// The number of unchanged objects.
    public var unchangedCount: Int { entries.count { !$0.isWrite } }

    /// Whether the plan writes anything (applies, prunes or the inventory): the run takes its Lease only then.
    public var hasWrites: Bool { inventoryChanged || entries.contains { $0.isWrite } }
}
