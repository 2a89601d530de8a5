/// `Canary.spec.analysis` (flagger-behaviour.md §1.3).
public struct CanaryAnalysis: Sendable, Hashable, Codable {
    /// Step period (Go duration); see ``intervalSeconds``.
    public var interval: String?
    /// Blue/Green and A/B iterations.
    public var iterations: Int?
    /// Failed-check budget; see ``effectiveThreshold``.
    public var threshold: Int?
    /// Canary-strategy weight limit.
    public var maxWeight: Int?
    /// Fixed weight increment.
    public var stepWeight: Int?
    /// Explicit weight ladder.
    public var stepWeights: [Int]?
    /// Primary weight increment while Promoting; 0 switches all at once.
    public var stepWeightPromotion: Int?
    /// Mirror traffic to the canary (Istio, Gateway API).
    public var mirror: Bool?
    /// Percentage of mirrored traffic (Istio mirrorPercentage).
    public var mirrorWeight: Int?
    /// Percent of the primary's updated replicas that must be available; default 100.
    public var primaryReadyThreshold: Int?
    /// Percent of the target's updated replicas that must be available; default 100.
    public var canaryReadyThreshold: Int?
    /// Alerts.
    public var alerts: [CanaryAlert]?
    /// Metric checks.
    public var metrics: [CanaryMetric]?
    /// Webhooks.
    public var webhooks: [CanaryWebhook]?
    /// A/B match conditions (Istio HTTPMatchRequest shape).
    public var match: [JSONValue]?
    /// Session affinity (Istio, Gateway API).
    public var sessionAffinity: SessionAffinity?

    /// Creates an analysis.
    public init(interval: String? = nil, threshold: Int? = nil) {
        self.interval = interval
        self.threshold = threshold
    }
}

/// `analysis.metrics[]` (§1.4), with GitCanary's `onNoData`.
public struct CanaryMetric: Sendable, Hashable, Codable {
    /// Name; `request-success-rate` and `request-duration` are builtin.
    public var name: String
    /// Query window (Go duration).
    public var interval: String?
    /// Deprecated single bound, used only without `thresholdRange`.
    public var threshold: Double?
    /// Inclusive bounds.
    public var thresholdRange: ThresholdRange?
    /// Deprecated inline PromQL.
    public var query: String?
    /// MetricTemplate reference.
    public var templateRef: NamespacedName?
    /// Variables exposed to the template as `variables`.
    public var templateVariables: [String: String]?
    /// GitCanary: what a query with no data means (`fail`, the default as in Flagger; `pass`; `hold`).
    public var onNoData: String?

    /// Creates a metric.
    public init(name: String) { self.name = name }
}

/// `thresholdRange`: inclusive bounds, each optional.
public struct ThresholdRange: Sendable, Hashable, Codable {
    /// Lower bound.
    public var min: Double?
    /// Upper bound.
    public var max: Double?
    /// Creates bounds.
    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }
}

/// `analysis.webhooks[]` (§1.5).
public struct CanaryWebhook: Sendable, Hashable, Codable {
    /// Hook type; empty means `rollout`.
    public var type: String?
    /// Name (required).
    public var name: String
    /// URL (required).
    public var url: String
    /// Per-attempt timeout (Go duration); default 10s.
    public var timeout: String?
    /// Retries after the first attempt.
    public var retries: Int?
    /// Sent in the payload.
    public var metadata: [String: String]?
    /// Suppress "waiting for approval" alerts of gate hooks.
    public var muteAlert: Bool?
    /// Skip TLS verification.
    public var disableTLS: Bool?

    /// Creates a webhook.
    public init(name: String, url: String, type: String? = nil) {
        self.name = name
        self.url = url
        self.type = type
    }
}

/// `analysis.alerts[]` (§1.6).
public struct CanaryAlert: Sendable, Hashable, Codable {
    /// Name.
    public var name: String
    /// `info`, `warn`, `error`; empty means info (a documented GitCanary fix).
    public var severity: String?
    /// The AlertProvider.
    public var providerRef: NamespacedName
}

/// `analysis.sessionAffinity` (§1.7).
public struct SessionAffinity: Sendable, Hashable, Codable {
    /// Canary cookie name.
    public var cookieName: String
    /// Primary cookie name; must differ from `cookieName`.
    public var primaryCookieName: String?
    /// Cookie domain.
    public var domain: String?
    /// HttpOnly flag.
    public var httpOnly: Bool?
    /// Max-Age in seconds; 0 or absent means 86400.
    public var maxAge: Int?
    /// Partitioned flag.
    public var partitioned: Bool?
    /// Cookie path.
    public var path: String?
    /// Strict, Lax or None.
    public var sameSite: String?
    /// Secure flag.
    public var secure: Bool?

    /// Creates session affinity settings.
    public init(cookieName: String, primaryCookieName: String? = nil, domain: String? = nil, httpOnly: Bool? = nil,
                maxAge: Int? = nil, partitioned: Bool? = nil, path: String? = nil, sameSite: String? = nil,
                secure: Bool? = nil) {
        self.cookieName = cookieName
        self.primaryCookieName = primaryCookieName
        self.domain = domain
        self.httpOnly = httpOnly
        self.maxAge = maxAge
        self.partitioned = partitioned
        self.path = path
        self.sameSite = sameSite
        self.secure = secure
    }
}
