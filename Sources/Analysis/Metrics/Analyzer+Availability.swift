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
            let resolved: ResolvedMetricTemplate
            switch resolveTemplate(ref, metric: metric, canary: canary) {
            case .success(let r): resolved = r
            case .failure(let e): return fail("metric template \(e.detail)")
            }
            let (spec, ns, provider, redactor) = (
                resolved.template.spec.provider, resolved.namespace, resolved.provider, resolved.redactor)
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
