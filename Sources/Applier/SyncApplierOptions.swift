import Planner

/// How the ``SyncApplier`` writes.
public struct SyncApplierOptions: Sendable {
    /// The field manager of Git's fields: `gitcanary` (architecture "Field managers").
    public var fieldManager: String
    /// The rollout's field manager, which takes over rollout-owned fields Git's manager owned (``SyncEntry/handover``).
    public var rolloutFieldManager: String
    /// Take fields other managers own (`force=true`), as Flux does: Git wins on the fields it declares.
    public var force: Bool
    /// Send every write with `dryRun=All` (`gitcanary plan`); the inventory is then not written.
    public var dryRun: Bool
    /// How long to wait for new CRDs to be established and served, and Namespaces to be active.
    public var definitionTimeout: Duration
    /// The interval between polls while waiting.
    public var pollInterval: Duration
    /// Applies of objects of the same kind rank run this many at a time (kinds still go in order).
    public var concurrency: Int

    /// Creates options.
    public init(
        fieldManager: String = SyncFieldManagers.git, rolloutFieldManager: String = SyncFieldManagers.rollout,
        force: Bool = true, dryRun: Bool = false,
        definitionTimeout: Duration = .seconds(60), pollInterval: Duration = .milliseconds(250), concurrency: Int = 4
    ) {
        self.fieldManager = fieldManager
        self.rolloutFieldManager = rolloutFieldManager
        self.force = force
        self.dryRun = dryRun
        self.definitionTimeout = definitionTimeout
        self.pollInterval = pollInterval
        self.concurrency = max(1, concurrency)
    }
}
