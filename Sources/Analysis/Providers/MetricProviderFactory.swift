import KubeAPI

/// Which MetricTemplate provider types GitCanary can query, and construction of their clients.
public enum MetricProviderFactory {
    /// Types with an HTTP client here.
    public static let supportedTypes: Set<String> = ["prometheus", "datadog", "newrelic", "graphite", "influxdb"]

    /// How far a provider type is supported.
    public enum Support: Sendable, Hashable {
        /// Queried by this module.
        case supported
        /// A Flagger type GitCanary does not query yet (stackdriver, cloudwatch, dynatrace, splunk, keptn,
        /// externalmetrics): a warning at validation, a failed check at analysis.
        case notSupportedYet
        /// Not a Flagger type at all.
        case unknown
    }

    /// The support level of a type.
    public static func support(of type: String) -> Support {
        if supportedTypes.contains(type) { return .supported }
        if ["influxdb", "datadog", "externalmetrics", "stackdriver", "cloudwatch", "newrelic", "graphite",
            "dynatrace", "keptn", "splunk", "prometheus"].contains(type) { return .notSupportedYet }
        return .unknown
    }

    /// The validation warning for a type, or `nil` when it is supported.
    public static func validationWarning(for type: String) -> String? {
        switch support(of: type) {
        case .supported: return nil
        case .notSupportedYet:
            return "metric provider type \"\(type)\" is not supported yet by gitcanary; metrics of this template will fail"
        case .unknown:
            return "unknown metric provider type \"\(type)\"; supported: \(supportedTypes.sorted().joined(separator: ", "))"
        }
    }

    /// A client for a template's provider; `interval` is the metric interval (datadog and newrelic size their
    /// window with it).
    public static func make(
        settings: MetricTemplateProviderSettings, interval: String, client: any HTTPClient,
        timeout: Duration = .seconds(5)
    ) throws(MetricQueryError) -> any MetricProvider {
        switch settings.type {
        case "prometheus": return try PrometheusProvider(settings: settings, client: client, timeout: timeout)
        case "datadog":
            return try DatadogProvider(settings: settings, interval: interval, client: client, timeout: timeout)
        case "newrelic":
            return try NewRelicProvider(settings: settings, interval: interval, client: client, timeout: timeout)
        case "graphite": return try GraphiteProvider(settings: settings, client: client, timeout: timeout)
        case "influxdb":
            return try InfluxDBProvider(settings: settings, client: client, timeout: max(timeout, .seconds(15)))
        default:
            switch support(of: settings.type) {
            case .notSupportedYet:
                throw .configuration("metric provider type \"\(settings.type)\" is not supported yet by gitcanary")
            default:
                throw .configuration(
                    "unknown metric provider type \"\(settings.type)\" (supported: "
                        + supportedTypes.sorted().joined(separator: ", ") + ")")
            }
        }
    }
}
