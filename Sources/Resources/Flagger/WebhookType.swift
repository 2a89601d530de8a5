/// The webhook types of §1.5 / §3.3.
public enum WebhookType: String, Sendable, Hashable, CaseIterable {
    case rollout
    case preRollout = "pre-rollout"
    case postRollout = "post-rollout"
    case confirmRollout = "confirm-rollout"
    case confirmPromotion = "confirm-promotion"
    case confirmTrafficIncrease = "confirm-traffic-increase"
    case rollback
    case event

    /// Parses a hook's `type`; empty means `rollout`; unknown names are `nil`.
    public init?(field: String?) {
        guard let field, !field.isEmpty else { self = .rollout; return }
        self.init(rawValue: field)
    }
}

extension CanaryWebhook {
    /// The parsed type, or `nil` when unknown.
    public var webhookType: WebhookType? { WebhookType(field: type) }

    /// Per-attempt timeout in seconds: the parsed `timeout`, 10 when absent, shorter than 2 characters or invalid.
    public var timeoutSeconds: Double {
        guard let t = timeout, t.count >= 2, let s = GoDuration.seconds(t), s > 0 else { return 10 }
        return s
    }
}
