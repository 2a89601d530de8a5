/// Alert severities (§8.2).
public enum AlertSeverity: String, Sendable, Hashable, CaseIterable {
    case info, warn, error
}

/// One alert about a canary: Flagger's message, its severity and whether the canary's metadata fields go along.
public struct Alert: Sendable, Hashable {
    /// The text, e.g. "New revision detected, progressing canary analysis.".
    public var message: String
    /// Severity.
    public var severity: AlertSeverity
    /// Whether to add Target / Failed checks threshold / Progress deadline / Traffic routing.
    public var includeMetadata: Bool

    /// Creates an alert.
    public init(message: String, severity: AlertSeverity, includeMetadata: Bool = false) {
        self.message = message
        self.severity = severity
        self.includeMetadata = includeMetadata
    }
}

/// A name/value pair shown with an alert.
public struct AlertField: Sendable, Hashable {
    /// Name.
    public var name: String
    /// Value.
    public var value: String
    /// Creates a field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The global alert target (Flagger's `-slack-*` / `-msteams-*` flags), used for canaries without
/// `analysis.alerts`. MS Teams wins when both are configured (the flags layer decides).
public struct GlobalAlertTarget: Sendable, Hashable {
    /// `slack` or `msteams` (any AlertProvider type works).
    public var type: String
    /// Webhook URL (secret: never printed).
    public var url: String
    /// Bearer token (Slack apps).
    public var token: String?
    /// Proxy URL.
    public var proxy: String?
    /// Sender name.
    public var username: String
    /// Channel; Slack needs one.
    public var channel: String

    /// Creates a target.
    public init(
        type: String, url: String, token: String? = nil, proxy: String? = nil, username: String = "flagger",
        channel: String = "general"
    ) {
        self.type = type
        self.url = url
        self.token = token
        self.proxy = proxy
        self.username = username
        self.channel = channel
    }
}

/// What happened to one alert for one recipient.
public struct AlertDelivery: Sendable, Hashable {
    /// The recipient: `<provider>.<namespace>` of an AlertProvider, or `global <type>`.
    public var recipient: String
    /// Notifier type.
    public var type: String
    /// Whether the receiver accepted it (2xx).
    public var delivered: Bool
    /// What happened, without the address or token.
    public var message: String
}

extension GlobalAlertTarget {
    /// The global target from Flagger's notifier flags (`-slack-url`, `-slack-token`, `-slack-proxy-url`,
    /// `-slack-user`, `-slack-channel`, `-msteams-url`, `-msteams-proxy-url`, or their environment variables):
    /// MS Teams wins when its URL is set; Slack needs a URL and a non-empty channel. `nil` means no global target
    /// (Flagger then uses a no-op notifier).
    public static func fromFlags(
        slackURL: String? = nil, slackToken: String? = nil, slackProxy: String? = nil, slackUser: String? = nil,
        slackChannel: String? = nil, msteamsURL: String? = nil, msteamsProxy: String? = nil
    ) -> GlobalAlertTarget? {
        func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
        if let teams = nonEmpty(msteamsURL) {
            return GlobalAlertTarget(type: "msteams", url: teams, proxy: nonEmpty(msteamsProxy))
        }
        guard let slack = nonEmpty(slackURL), let channel = nonEmpty(slackChannel) else { return nil }
        return GlobalAlertTarget(
            type: "slack", url: slack, token: nonEmpty(slackToken), proxy: nonEmpty(slackProxy),
            username: nonEmpty(slackUser) ?? "flagger", channel: channel)
    }
}
