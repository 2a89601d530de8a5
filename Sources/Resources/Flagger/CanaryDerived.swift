/// The deployment strategy a Canary's analysis selects (§1.10).
public enum CanaryStrategy: String, Sendable, Hashable, Codable {
    /// Progressive traffic weights.
    case canary
    /// Iterations with no match: all-or-nothing switch after analysis.
    case blueGreen = "blue-green"
    /// Iterations with match conditions.
    case abTesting = "ab-testing"
}

extension Canary {
    /// The analysis in force: `analysis`, else the deprecated `canaryAnalysis`.
    public var effectiveAnalysis: CanaryAnalysis? { spec.analysis ?? spec.canaryAnalysis }

    /// Apex service name: `service.name` or the target's name.
    public var apexName: String {
        if let n = spec.service.name, !n.isEmpty { return n }
        return spec.targetRef.name
    }
    /// `<apex>-primary`.
    public var primaryServiceName: String { apexName + "-primary" }
    /// `<apex>-canary`.
    public var canaryServiceName: String { apexName + "-canary" }
    /// The target workload's name.
    public var targetName: String { spec.targetRef.name }
    /// `<target>-primary`: the generated primary workload.
    public var primaryName: String { spec.targetRef.name + "-primary" }
    /// The target kind; unknown or missing kinds are treated as Deployment, as Flagger does.
    public var targetKind: String {
        switch spec.targetRef.kind {
        case "DaemonSet": return "DaemonSet"
        case "Service": return "Service"
        default: return "Deployment"
        }
    }

    /// The provider: `spec.provider`, else the controller default.
    public func provider(default meshProvider: String) -> String {
        if let p = spec.provider, !p.isEmpty { return p }
        return meshProvider
    }

    /// The strategy (§1.10).
    public var strategy: CanaryStrategy {
        guard let a = effectiveAnalysis, let it = a.iterations, it > 0 else { return .canary }
        return (a.match?.isEmpty == false) ? .abTesting : .blueGreen
    }

    /// Step interval in seconds: unparsable or empty → 60; any parsed value below 10 (including 0 and negative
    /// durations) → 10, as Flagger's `GetAnalysisInterval`.
    public var intervalSeconds: Double {
        guard let t = effectiveAnalysis?.interval, !t.isEmpty, let s = GoDuration.seconds(t) else { return 60 }
        return max(10, s)
    }

    /// Failed-check budget: values ≤ 0 (or absent) mean 1.
    public var effectiveThreshold: Int {
        guard let t = effectiveAnalysis?.threshold, t > 0 else { return 1 }
        return t
    }

    /// Maximum canary weight (§1.10).
    public var maxWeight: Int {
        if let steps = effectiveAnalysis?.stepWeights, let last = steps.last { return min(100, last) }
        if let m = effectiveAnalysis?.maxWeight, m > 0 { return m }
        return 100
    }

    /// Flagger's nextStepWeight: the increment from the current canary weight (§1.10).
    public func nextStepWeight(from current: Int) -> Int {
        let stepWeight = effectiveAnalysis?.stepWeight ?? 0
        let steps = effectiveAnalysis?.stepWeights ?? []
        if stepWeight > 0 || steps.isEmpty { return stepWeight }
        let room = 100 - current
        if room == 0 { return 1 }
        if current == 0 { return min(room, steps[0]) }
        for i in 0..<(steps.count - 1) where steps[i] == current {
            return min(room, steps[i + 1] - current)
        }
        return room
    }

    /// Percent of the primary's replicas that must be available; default 100.
    public var primaryReadyThreshold: Int { effectiveAnalysis?.primaryReadyThreshold ?? 100 }
    /// Percent of the target's replicas that must be available; default 100.
    public var canaryReadyThreshold: Int { effectiveAnalysis?.canaryReadyThreshold ?? 100 }
    /// Deadline for workload waits, seconds; default 600.
    public var progressDeadlineSeconds: Int { spec.progressDeadlineSeconds ?? 600 }
    /// Whether analysis is skipped: `skipAnalysis`, or no analysis at all.
    public var skipsAnalysis: Bool { spec.skipAnalysis == true || effectiveAnalysis == nil }
    /// Whether every run is a no-op.
    public var isSuspended: Bool { spec.suspend == true }
    /// Whether deletion reverts the routing and primary.
    public var revertsOnDeletion: Bool { spec.revertOnDeletion == true }
    /// Iterations for Blue/Green and A/B (0 when absent).
    public var iterations: Int { effectiveAnalysis?.iterations ?? 0 }
    /// Primary weight increment while promoting (0: all at once).
    public var stepWeightPromotion: Int { effectiveAnalysis?.stepWeightPromotion ?? 0 }
    /// Webhooks of one type, in order.
    public func webhooks(_ type: WebhookType) -> [CanaryWebhook] {
        (effectiveAnalysis?.webhooks ?? []).filter { $0.webhookType == type }
    }
    /// The apex service port.
    public var servicePort: Int { spec.service.port ?? 0 }
    /// The service port name; default `http`.
    public var servicePortName: String {
        if let n = spec.service.portName, !n.isEmpty { return n }
        return "http"
    }
    /// The container port the services target; default the service port.
    public var serviceTargetPort: IntOrString { spec.service.targetPort ?? .int(servicePort) }
}

extension CanaryMetric {
    /// The builtin metric names.
    public static let builtinNames: Set<String> = ["request-success-rate", "request-duration"]
    /// Whether this is a builtin metric (no template, no query).
    public var isBuiltin: Bool { templateRef == nil && (query ?? "").isEmpty && CanaryMetric.builtinNames.contains(name) }
    /// The query window: the metric's interval, else `1m` for every metric (a documented difference: Flagger
    /// defaults only builtin metrics).
    public var effectiveInterval: String {
        if let i = interval, !i.isEmpty { return i }
        return "1m"
    }
    /// Inclusive bounds: `thresholdRange`, else the deprecated `threshold` read as Flagger reads it
    /// (a minimum for request-success-rate, a maximum otherwise).
    public var bounds: ThresholdRange {
        if let r = thresholdRange { return r }
        guard let t = threshold else { return ThresholdRange() }
        return name == "request-success-rate" ? ThresholdRange(min: t) : ThresholdRange(max: t)
    }
}

extension SessionAffinity {
    /// Cookie Max-Age: 0 or absent means 86400.
    public var effectiveMaxAge: Int {
        guard let m = maxAge, m != 0 else { return 86400 }
        return m
    }
}
