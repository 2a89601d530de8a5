/// A `flagger.app/v1beta1` AlertProvider (§1.9).
public struct AlertProvider: Sendable, Hashable, Codable {
    /// `apiVersion` as read.
    public var apiVersion: String?
    /// `kind` as read.
    public var kind: String?
    /// Metadata.
    public var metadata: ObjectMeta
    /// Spec.
    public var spec: AlertProviderSpec

    /// Decodes from a JSON object.
    public init(json: JSONValue) throws { self = try JSONCoding.decode(AlertProvider.self, from: json) }
}

/// `AlertProvider.spec`.
public struct AlertProviderSpec: Sendable, Hashable, Codable {
    /// The notifier types Flagger supports.
    public static let knownTypes: Set<String> = ["slack", "msteams", "discord", "rocket", "gchat"]
    /// Notifier type.
    public var type: String
    /// Channel; default `general`.
    public var channel: String?
    /// Sender name; default `flagger`.
    public var username: String?
    /// Webhook address (the secret's `address` key wins).
    public var address: String?
    /// HTTP proxy.
    public var proxy: String?
    /// Secret with `address` and optional `token`.
    public var secretRef: NamespacedName?
}
