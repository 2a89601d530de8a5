/// Run-wide settings of the ``Analyzer``, mirroring Flagger's controller flags (§1.11).
public struct AnalyzerConfiguration: Sendable, Hashable {
    /// Prometheus for builtin and inline-query metrics when a Canary has no `spec.metricsServer`
    /// (`--metrics-server`).
    public var metricsServer: String
    /// Skip TLS verification for the global metrics server.
    public var metricsServerInsecureSkipVerify: Bool
    /// The provider used when a Canary has no `spec.provider` (`--mesh-provider`).
    public var meshProvider: String
    /// Per-query timeout of metric providers (Flagger: 5 s).
    public var queryTimeout: Duration
    /// Webhook retry back-off.
    public var retry: RetryPolicy
    /// The global event webhook (`--event-webhook`), used only for canaries without an `event` hook.
    public var eventWebhook: String?
    /// Adds a `Cluster` field to every alert (`--cluster-name`).
    public var clusterName: String?
    /// The global alert target for canaries without `analysis.alerts` (Slack / MS Teams flags).
    public var globalAlert: GlobalAlertTarget?
    /// Per-alert HTTP timeout (Flagger: 5 s).
    public var alertTimeout: Duration
    /// `false` for read-only runs (`gitcanary plan`): metrics are still queried, but no webhook is called (the
    /// check is `skipped`, "would call …") and no event hook or alert is sent.
    public var callsWebhooks: Bool = true

    /// Flagger's defaults.
    public init(
        metricsServer: String = "http://prometheus:9090", metricsServerInsecureSkipVerify: Bool = false,
        meshProvider: String = "istio", queryTimeout: Duration = .seconds(5), retry: RetryPolicy = RetryPolicy(),
        eventWebhook: String? = nil, clusterName: String? = nil, globalAlert: GlobalAlertTarget? = nil,
        alertTimeout: Duration = .seconds(5)
    ) {
        self.metricsServer = metricsServer
        self.metricsServerInsecureSkipVerify = metricsServerInsecureSkipVerify
        self.meshProvider = meshProvider
        self.queryTimeout = queryTimeout
        self.retry = retry
        self.eventWebhook = eventWebhook
        self.clusterName = clusterName
        self.globalAlert = globalAlert
        self.alertTimeout = alertTimeout
    }
}

/// Exponential back-off between webhook attempts: `base × 2^n`, at most `cap` (Flagger: 1 s and 30 s, from
/// hashicorp retryablehttp). Tests use milliseconds.
public struct RetryPolicy: Sendable, Hashable {
    /// The first wait.
    public var base: Duration
    /// The longest wait (also bounds a server's `Retry-After`).
    public var cap: Duration

    /// Creates a policy.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(30)) {
        self.base = base
        self.cap = cap
    }

    /// The wait before retry number `attempt` (0 for the first retry).
    public func backoff(attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(retryAfter, cap) }
        var wait = base
        for _ in 0..<min(attempt, 30) {
            wait = wait * 2
            if wait >= cap { return cap }
        }
        return min(wait, cap)
    }
}
