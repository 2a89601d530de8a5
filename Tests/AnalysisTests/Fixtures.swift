import Analysis
import Foundation
import KubeAPI
import Resources
import TestSupport

/// Builders shared by the analysis tests.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func canary(
        name: String = "podinfo", namespace: String = "test", target: String = "podinfo",
        provider: String? = nil, metricsServer: String? = nil, metrics: [CanaryMetric] = [],
        webhooks: [CanaryWebhook] = [], alerts: [CanaryAlert] = []
    ) -> Canary {
        var spec = CanarySpec(
            targetRef: LocalObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: target),
            service: CanaryService(port: 9898), analysis: CanaryAnalysis(interval: "1m", threshold: 5))
        spec.provider = provider
        spec.metricsServer = metricsServer
        spec.analysis?.metrics = metrics
        spec.analysis?.webhooks = webhooks
        spec.analysis?.alerts = alerts
        spec.analysis?.stepWeight = 10
        spec.analysis?.maxWeight = 50
        var c = Canary(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec)
        var status = CanaryStatus()
        status.phase = .progressing
        status.lastAppliedSpec = "abc"
        c.status = status
        return c
    }

    static func metric(
        _ name: String, min: Double? = nil, max: Double? = nil, threshold: Double? = nil, query: String? = nil,
        template: String? = nil, onNoData: String? = nil, interval: String? = nil,
        variables: [String: String]? = nil
    ) -> CanaryMetric {
        var m = CanaryMetric(name: name)
        if min != nil || max != nil { m.thresholdRange = ThresholdRange(min: min, max: max) }
        m.threshold = threshold
        m.query = query
        m.templateRef = template.map { NamespacedName(name: $0) }
        m.onNoData = onNoData
        m.interval = interval
        m.templateVariables = variables
        return m
    }

    static func objects(_ json: [String]) throws -> ObjectListAnalysisObjects {
        ObjectListAnalysisObjects(objects: try json.map { try JSONParser.parse($0) })
    }

    static func analyzer(
        _ client: any HTTPClient, objects: any AnalysisObjects = ObjectListAnalysisObjects(objects: []),
        configuration: AnalyzerConfiguration = AnalyzerConfiguration(), deadline: Deadline = .unbounded
    ) -> Analyzer {
        Analyzer(client: client, configuration: configuration, objects: objects, deadline: deadline)
    }

    /// A Prometheus instant-vector answer with these sample values.
    static func vector(_ values: [String]) -> String {
        let results = values.map { #"{"metric":{},"value":[1790000000.0,"\#($0)"]}"# }.joined(separator: ",")
        return #"{"status":"success","data":{"resultType":"vector","result":[\#(results)]}}"#
    }

    static func secret(_ name: String, namespace: String = "test", _ data: [String: String]) -> String {
        let entries = data.map { #""\#($0.key)":"\#(Data($0.value.utf8).base64EncodedString())""# }
            .joined(separator: ",")
        return #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"\#(name)","namespace":"\#(namespace)"},"data":{\#(entries)}}"#
    }

    static func template(
        _ name: String, namespace: String = "test", type: String, address: String, query: String,
        secret: String? = nil, extra: String = ""
    ) -> String {
        let secretRef = secret.map { #","secretRef":{"name":"\#($0)"}"# } ?? ""
        let q = query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return #"{"apiVersion":"flagger.app/v1beta1","kind":"MetricTemplate","metadata":{"name":"\#(name)","namespace":"\#(namespace)"},"spec":{"provider":{"type":"\#(type)","address":"\#(address)"\#(secretRef)\#(extra)},"query":"\#(q)"}}"#
    }
}
