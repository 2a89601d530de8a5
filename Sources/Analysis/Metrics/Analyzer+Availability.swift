import Foundation
import Resources

extension Analyzer {
    /// The check name of the provider availability check.
    public static let availabilityCheckName = "metrics-providers"

    /// Flagger's provider availability check (§4.4), run while a canary initializes: the metrics server answers
    /// `vector(1)` for builtin-named metrics; for template metrics the template exists, its secret is readable,
    /// the provider can be built and answers. The first problem is the (failed) check's message.
    public func isProviderAvailable(for canary: Canary) async -> CheckRecord {
        var checkedServers: Set<String> = []
        func fail(_ message: String) -> CheckRecord {
            logger.warning("\(message)", metadata: logMetadata(canary))
            return CheckRecord(kind: .metric, name: Analyzer.availabilityCheckName, verdict: .fail, message: message)
        }
        func notDone(_ what: String) -> CheckRecord {
            CheckRecord(
                kind: .metric, name: Analyzer.availabilityCheckName, verdict: .hold,
                message: Analyzer.budgetMessage(what))
        }
        for metric in canary.effectiveAnalysis?.metrics ?? [] {
            if CanaryMetric.builtinNames.contains(metric.name) {
                let provider: PrometheusProvider
                do { provider = try builtinProvider(for: canary) } catch { return fail("\(error)") }
                guard checkedServers.insert(provider.address).inserted else { continue }
                do {
                    try await provider.checkOnline(deadline: deadline)
                } catch {
                    if deadline.isExpired { return notDone("the metrics server check") }
                    return fail("prometheus not available: \(error)")
                }
                continue
            }
            guard let ref = metric.templateRef else { continue }
            let ns = (ref.namespace?.isEmpty == false ? ref.namespace : nil) ?? canary.namespace
            guard let template = objects.metricTemplate(namespace: ns, name: ref.name) else {
                return fail("metric template \(ref.name).\(ns) error: metrictemplate.flagger.app \"\(ref.name)\" not found")
            }
            let spec = template.spec.provider
            var credentials: [String: Data]?
            if let secretRef = spec.secretRef {
                guard let data = objects.secretData(namespace: ns, name: secretRef.name) else {
                    return fail(
                        "metric template \(ref.name).\(ns) secret \(secretRef.name) error: secret \"\(secretRef.name)\" not found")
                }
                credentials = data
            }
            let settings = MetricTemplateProviderSettings(
                type: spec.type, address: spec.address ?? "", headers: spec.headers,
                insecureSkipVerify: spec.insecureSkipVerify ?? false, credentials: credentials)
            let redactor = settings.redactor
            let provider: any MetricProvider
            do {
                provider = try MetricProviderFactory.make(
                    settings: settings, interval: metric.effectiveInterval, client: client,
                    timeout: configuration.queryTimeout)
            } catch {
                return fail(redactor.redact("metric template \(ref.name).\(ns) provider \(spec.type) error: \(error)"))
            }
            guard checkedServers.insert("\(spec.type) \(spec.address ?? "") \(ns)/\(ref.name)").inserted else { continue }
            do {
                try await provider.checkOnline(deadline: deadline)
            } catch {
                if deadline.isExpired { return notDone("the check of metric template \(ref.name).\(ns)") }
                return fail(
                    redactor.redact("\(spec.type) in metric template \(ref.name).\(ns) not available: \(error)"))
            }
        }
        return CheckRecord(
            kind: .metric, name: Analyzer.availabilityCheckName, verdict: .pass,
            message: "all the metrics providers are available!")
    }
}
