/// A `flagger.app/v1beta1` MetricTemplate (§1.8).
public struct MetricTemplate: Sendable, Hashable, Codable {
    /// `apiVersion` as read.
    public var apiVersion: String?
    /// `kind` as read.
    public var kind: String?
    /// Metadata.
    public var metadata: ObjectMeta
    /// Spec.
    public var spec: MetricTemplateSpec

    /// Decodes from a JSON object.
    public init(json: JSONValue) throws { self = try JSONCoding.decode(MetricTemplate.self, from: json) }
}

/// `MetricTemplate.spec`.
public struct MetricTemplateSpec: Sendable, Hashable, Codable {
    /// Where and how to query.
    public var provider: MetricTemplateProvider
    /// The query, a template rendered per canary.
    public var query: String
}

/// `MetricTemplate.spec.provider`.
public struct MetricTemplateProvider: Sendable, Hashable, Codable {
    /// The provider types of Flagger's CRD.
    public static let knownTypes: Set<String> = [
        "prometheus", "influxdb", "datadog", "externalmetrics", "stackdriver", "cloudwatch", "newrelic", "graphite",
        "dynatrace", "keptn", "splunk",
    ]
    /// Provider type; unknown values fall back to prometheus in Flagger.
    public var type: String
    /// Base URL.
    public var address: String?
    /// Extra request headers, sent as-is.
    public var headers: [String: [String]]?
    /// Secret with credentials, in the template's namespace.
    public var secretRef: NamespacedName?
    /// Cloud region (cloudwatch).
    public var region: String?
    /// Skip TLS verification.
    public var insecureSkipVerify: Bool?
}
