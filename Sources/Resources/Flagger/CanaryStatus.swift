import Foundation

/// `Canary.status`: Flagger's fields (§7.1) plus GitCanary's additions (architecture "Contracts").
///
/// The status is the engine's only memory between runs.
public struct CanaryStatus: Sendable, Hashable, Codable {
    /// The phase.
    public var phase: CanaryPhase?
    /// Failed analysis steps in the current analysis.
    public var failedChecks: Int?
    /// The canary's traffic weight.
    public var canaryWeight: Int?
    /// Blue/Green and A/B iteration counter.
    public var iterations: Int?
    /// `<name>=<value>` of the canary session-affinity cookie.
    public var sessionAffinityCookie: String?
    /// `<name>=<value>` of the primary session-affinity cookie.
    public var primarySessionAffinityCookie: String?
    /// The previous canary cookie, expired on the next run.
    public var previousSessionAffinityCookie: String?
    /// `configmap/<name>` / `secret/<name>` → checksum.
    public var trackedConfigs: [String: String]?
    /// Hash of the target revision under analysis (or last seen).
    public var lastAppliedSpec: String?
    /// Hash of the revision in the primary.
    public var lastPromotedSpec: String?
    /// Time of the last status write.
    public var lastTransitionTime: Date?
    /// Exactly one condition of type `Promoted`.
    public var conditions: [CanaryCondition]?

    // GitCanary additions.
    /// The Git revision that introduced the target spec under analysis (or last promoted).
    public var revision: GitRevisionRecord?
    /// When the last step was taken; a phase with an interval advances only when `now ≥ lastStepTime + interval`.
    public var lastStepTime: Date?
    /// When the current phase began; workload deadlines count from here.
    public var phaseStartTime: Date?
    /// Whether the routes currently mirror traffic.
    public var mirrored: Bool?
    /// A revision that failed and is not analysed again until Git changes it or a retry gate names it.
    public var failedRevision: FailedRevisionRecord?
    /// The checks of the last step, bounded.
    public var checks: [CheckRecord]?
    /// Monotonic counters since the Canary was created.
    public var counters: CanaryCounters?

    /// An empty status.
    public init() {}
}

/// `status.conditions[]`.
public struct CanaryCondition: Sendable, Hashable, Codable {
    /// Always `Promoted`.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    /// When the condition was last written.
    public var lastUpdateTime: Date?
    /// When `status` last changed.
    public var lastTransitionTime: Date?
    /// The phase name.
    public var reason: String?
    /// Flagger's text for the phase.
    public var message: String?

    /// Creates a condition.
    public init(type: String, status: String, lastUpdateTime: Date? = nil, lastTransitionTime: Date? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastUpdateTime = lastUpdateTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// `status.revision`.
public struct GitRevisionRecord: Sendable, Hashable, Codable {
    /// Full commit SHA.
    public var commit: String
    /// The ref as the user gave it (branch, tag, commit).
    public var ref: String?
    /// When the engine first saw this revision.
    public var observedAt: Date?
    /// Creates a record.
    public init(commit: String, ref: String? = nil, observedAt: Date? = nil) {
        self.commit = commit
        self.ref = ref
        self.observedAt = observedAt
    }
}

/// `status.failedRevision`.
public struct FailedRevisionRecord: Sendable, Hashable, Codable {
    /// The target spec hash that failed.
    public var specHash: String
    /// Its commit, when known.
    public var commit: String?
    /// When it failed.
    public var failedAt: Date?
    /// Why.
    public var reason: String?
    /// The `gitcanary.dev/retry` value that already re-admitted this revision once (so a retry annotation left in
    /// place does not loop: set a new value, e.g. a longer prefix, to retry again).
    public var retriedBy: String?
    /// Creates a record.
    public init(specHash: String, commit: String? = nil, failedAt: Date? = nil, reason: String? = nil,
                retriedBy: String? = nil) {
        self.specHash = specHash
        self.commit = commit
        self.failedAt = failedAt
        self.reason = reason
        self.retriedBy = retriedBy
    }
}

/// `status.counters`.
public struct CanaryCounters: Sendable, Hashable, Codable {
    /// Promotions since creation.
    public var promotions: Int?
    /// Rollbacks since creation.
    public var rollbacks: Int?
    /// Creates counters.
    public init(promotions: Int? = nil, rollbacks: Int? = nil) {
        self.promotions = promotions
        self.rollbacks = rollbacks
    }
}

/// One check of an analysis step, as recorded in `status.checks` and shown by `plan` and `status`.
public struct CheckRecord: Sendable, Hashable, Codable {
    /// What was checked.
    public enum Kind: String, Sendable, Hashable, Codable {
        case metric, webhook, gate
    }
    /// The outcome.
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// Within bounds / hook succeeded / gate open.
        case pass
        /// Out of bounds, error, hook failed, gate closed where closing fails.
        case fail
        /// No data with `onNoData: hold`, or a gate that keeps the canary waiting.
        case hold
        /// Not evaluated (read-only `plan`, e.g. a webhook it would call).
        case skipped
    }
    /// When the check ran.
    public var time: Date?
    /// Metric, webhook or gate.
    public var kind: Kind
    /// The metric, hook or gate name.
    public var name: String
    /// The rendered query (metrics).
    public var query: String?
    /// The value found (metrics).
    public var value: Double?
    /// Lower bound (metrics).
    public var min: Double?
    /// Upper bound (metrics).
    public var max: Double?
    /// HTTP status (webhooks).
    public var status: Int?
    /// The outcome.
    public var verdict: Verdict
    /// A sentence a person can act on.
    public var message: String

    /// Creates a record.
    public init(time: Date? = nil, kind: Kind, name: String, query: String? = nil, value: Double? = nil,
                min: Double? = nil, max: Double? = nil, status: Int? = nil, verdict: Verdict, message: String) {
        self.time = time
        self.kind = kind
        self.name = name
        self.query = query
        self.value = value
        self.min = min
        self.max = max
        self.status = status
        self.verdict = verdict
        self.message = message
    }
}
