import Applier
import Foundation
import GitSource
import Planner
import Resources

/// What happened to one canary in a run.
public struct CanaryOutcome: Sendable {
    /// The Canary.
    public var ref: ObjectRef
    /// The phase and weight read at the start of the run.
    public var phaseBefore: CanaryPhase
    /// The canary weight read at the start of the run.
    public var weightBefore: Int
    /// The plan (nil when the canary could not be planned).
    public var plan: CanaryPlan?
    /// What executing it did (nil in `plan` mode and for quiet plans).
    public var execution: CanaryExecution?
    /// The status after the run: the one written, else the one read.
    public var status: CanaryStatus?
    /// The analysis threshold (for status and metrics).
    public var threshold: Int
    /// The analysis interval in seconds.
    public var intervalSeconds: Double
    /// Why the canary was not planned or not applied (read errors, `--max-progressing`, a lost Lease), if so.
    public var skipped: String?
    /// An error of this canary (a failed write, an undecodable Canary).
    public var error: String?
    /// Warnings (e.g. Flagger's CRD pruning GitCanary's status fields; effects that failed, such as an Event the server refused).
    public var warnings: [String] = []

    /// Creates an outcome.
    public init(ref: ObjectRef, phaseBefore: CanaryPhase = .none, weightBefore: Int = 0, threshold: Int = 0, intervalSeconds: Double = 60) {
        self.ref = ref
        self.phaseBefore = phaseBefore
        self.weightBefore = weightBefore
        self.threshold = threshold
        self.intervalSeconds = intervalSeconds
    }

    /// The phase after the run.
    public var phaseAfter: CanaryPhase { status?.phase ?? phaseBefore }
    /// The weight after the run.
    public var weightAfter: Int { status?.canaryWeight ?? 0 }
    /// Whether this run rolled the canary back (or failed it).
    public var failedThisRun: Bool { phaseAfter == .failed && phaseBefore != .failed && (execution?.statusWritten ?? false) }
    /// The decision line.
    public var decision: String { skipped ?? plan?.decision ?? error ?? "" }
}

/// The report of one run: what the CLI prints (text, JSON, Markdown) and pushes as metrics.
public struct RunReport: Sendable {
    /// Reconcile or plan.
    public var mode: RunMode
    /// The Git revision.
    public var revision: Revision?
    /// The analysis clock of the run.
    public var now: Date?
    /// The sync plan.
    public var syncPlan: SyncPlan?
    /// What the sync did (nil in `plan` mode and when it had nothing to write).
    public var changeSet: ChangeSet?
    /// Files that could not be decoded (their objects are left alone).
    public var manifestErrors: [String] = []
    /// One outcome per canary handled, sorted by namespace and name.
    public var canaries: [CanaryOutcome] = []
    /// Run errors (Git, API, configuration discovered at run time).
    public var errors: [String] = []
    /// Set when another run held the Lease for the whole wait: who holds it.
    public var leaseHeldBy: String?
    /// Whether this run took its Lease.
    public var leaseTaken = false
    /// API requests by verb.
    public var requestsByVerb: [String: Int] = [:]
    /// API request errors.
    public var requestErrors = 0
    /// Canaries whose remembered idle plan was reused rather than planned again (``PlanMemo``).
    public var reusedPlans = 0
    /// Objects of Git that an earlier run verified unchanged at the same resourceVersion (``SyncMemo``), not compared again.
    public var reusedObjects = 0
    /// The sync's LISTs made while Git was fetched (the previous run's, with a memo), not made again afterwards.
    public var prefetchedReads = 0
    /// Stage timings in seconds (`git`, `observe`, `plan`, `apply`, `total`; within `observe`: `observe.sync` for the
    /// sync's LISTs, then `observe.syncPlan` and `observe.canaries`, which run at the same time).
    public var timings: [String: Double] = [:]
    /// The shard.
    public var shard: SyncShard = .single

    /// Creates an empty report.
    public init(mode: RunMode) { self.mode = mode }

    /// Whether a canary failed (was rolled back) in this run.
    public var hasRollback: Bool { canaries.contains { $0.failedThisRun } }
    /// Whether the run had errors (run errors, files that did not decode, failed sync entries or canary errors).
    public var hasErrors: Bool {
        !errors.isEmpty || !manifestErrors.isEmpty || (changeSet?.hasFailures ?? false) || canaries.contains { $0.error != nil }
    }
    /// The total number of API requests.
    public var totalRequests: Int { requestsByVerb.values.reduce(0, +) }
    /// Write requests (everything but get, list, watch).
    public var writeRequests: Int {
        requestsByVerb.filter { !["get", "list", "watch", "GET", "LIST", "WATCH"].contains($0.key) }.values.reduce(0, +)
    }
}
