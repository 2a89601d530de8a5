import Analysis
import Foundation
import Planner
import Resources

/// The Analysis adapter of the Planner's probe: `Analyzer`'s three methods match `AnalysisProbe` one to one.
extension Analyzer: AnalysisProbe {}

/// A probe that asks nothing: every check answers `skipped`. Used to learn, without any I/O, whether a canary is
/// due (its plan then has writes) before the run takes its Lease; the real plan is made afterwards.
struct DueProbe: AnalysisProbe {
    func evaluate(metric: CanaryMetric, of canary: Canary, at now: Date) async -> CheckRecord {
        CheckRecord(time: now, kind: .metric, name: metric.name, verdict: .skipped, message: "not queried (due check)")
    }
    func call(webhook: CanaryWebhook, of canary: Canary, phase: CanaryPhase, checksum: String, at now: Date) async -> CheckRecord {
        CheckRecord(time: now, kind: .webhook, name: webhook.name, verdict: .skipped, message: "not called (due check)")
    }
    func isProviderAvailable(for canary: Canary) async -> CheckRecord {
        CheckRecord(time: nil, kind: .metric, name: "provider", verdict: .skipped, message: "not checked (due check)")
    }
}
