import Foundation

/// Rules for MetricTemplate and AlertProvider beyond their schemas, and the legacy-version migration message.
enum FlaggerKindRules {
    /// The MetricTemplate provider types GitCanary queries today; other types Flagger knows are reported as
    /// "not supported yet by GitCanary" (a warning).
    static let supportedMetricProviders: Set<String> = ["prometheus", "datadog", "newrelic", "graphite", "influxdb"]

    static func checkMetricTemplate(_ object: JSONValue) -> [Problem] {
        var out: [Problem] = []
        if let type = object["spec", "provider", "type"]?.stringValue,
            MetricTemplateProvider.knownTypes.contains(type), !supportedMetricProviders.contains(type)
        {
            let supported = supportedMetricProviders.sorted().joined(separator: ", ")
            out.append(
                .warning(.unsupported, "spec.provider.type",
                    "metric provider '\(type)' is valid in Flagger but not supported yet by GitCanary (supported: \(supported)); checks using this template will fail"))
        }
        if let query = object["spec", "query"]?.stringValue, query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            out.append(.error(.schemaRequired, "spec.query", "the query is empty"))
        }
        return out
    }

    static func checkAlertProvider(_ object: JSONValue) -> [Problem] {
        []
    }

    /// The migration error for `flagger.app/v1alpha*` objects.
    static func legacy(_ object: JSONValue, apiVersion: String) -> Problem {
        var steps = ["set apiVersion: \(FlaggerCRDSchema.servedVersion)"]
        let spec = object["spec"]
        if spec?["canaryAnalysis"] != nil { steps.append("rename spec.canaryAnalysis to spec.analysis") }
        let analysis = spec?["analysis"] ?? spec?["canaryAnalysis"]
        let metrics = analysis?["metrics"]?.arrayValue ?? []
        if metrics.contains(where: { $0["threshold"] != nil && $0["thresholdRange"] == nil }) {
            steps.append(
                "replace metrics[].threshold with thresholdRange (min for request-success-rate, max for request-duration)")
        }
        if object["kind"]?.stringValue == "Canary", analysis?["interval"] == nil || analysis?["threshold"] == nil {
            steps.append("make sure analysis has interval, threshold and one of iterations, stepWeight or stepWeights")
        }
        return .error(
            .legacyAPIVersion, "apiVersion",
            "\(apiVersion) is no longer served by Flagger (only \(FlaggerCRDSchema.servedVersion) is); to migrate: "
                + steps.joined(separator: "; "))
    }
}
