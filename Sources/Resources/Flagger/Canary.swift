/// A `flagger.app/v1beta1` Canary.
public struct Canary: Sendable, Hashable, Codable {
    /// The API group/version Flagger serves.
    public static let apiVersion = "flagger.app/v1beta1"
    /// The kind.
    public static let kind = "Canary"

    /// `apiVersion` as read.
    public var apiVersion: String?
    /// `kind` as read.
    public var kind: String?
    /// Metadata.
    public var metadata: ObjectMeta
    /// Spec.
    public var spec: CanarySpec
    /// Status (absent before the first write).
    public var status: CanaryStatus?

    /// Creates a Canary.
    public init(metadata: ObjectMeta, spec: CanarySpec, status: CanaryStatus? = nil) {
        self.apiVersion = Canary.apiVersion
        self.kind = Canary.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// Decodes a Canary from a JSON object.
    public init(json: JSONValue) throws {
        self = try JSONCoding.decode(Canary.self, from: json)
    }

    /// Decodes a Canary from a manifest.
    public init(manifest: Manifest) throws {
        try self.init(json: manifest.object)
    }

    /// The namespace ("" when absent).
    public var namespace: String { metadata.namespace ?? "" }
    /// The name.
    public var name: String { metadata.name }
}
