import Foundation
import Planner
import Resources
import Synchronization

/// An ``AnalysisProbe`` for tests: verdicts scripted per metric / hook name (a queue per name, then a default),
/// and every call recorded with its phase.
public final class ScriptedProbe: AnalysisProbe {
    /// One recorded call.
    public struct Call: Sendable, Hashable {
        /// `metric`, `webhook` or `provider`.
        public var kind: String
        /// Metric or hook name.
        public var name: String
        /// Hook type (webhooks).
        public var type: String?
        /// Payload phase (webhooks).
        public var phase: CanaryPhase?
        /// Payload checksum (webhooks).
        public var checksum: String?
        /// Payload metadata (webhooks).
        public var metadata: [String: String]?
    }

    private struct State {
        var metricScript: [String: [CheckRecord.Verdict]] = [:]
        var hookScript: [String: [CheckRecord.Verdict]] = [:]
        var metricDefault: [String: CheckRecord.Verdict] = [:]
        var hookDefault: [String: CheckRecord.Verdict] = [:]
        var providerVerdict: CheckRecord.Verdict = .pass
        var calls: [Call] = []
    }
    private let state = Mutex(State())

    /// A probe where everything passes.
    public init() {}

    /// Scripts the next verdicts of a metric (consumed one per call), then `default`.
    public func script(metric name: String, _ verdicts: [CheckRecord.Verdict] = [], default verdict: CheckRecord.Verdict? = nil) {
        state.withLock {
            $0.metricScript[name, default: []] += verdicts
            if let verdict { $0.metricDefault[name] = verdict }
        }
    }

    /// Scripts the next verdicts of a webhook (consumed one per call), then `default`.
    public func script(hook name: String, _ verdicts: [CheckRecord.Verdict] = [], default verdict: CheckRecord.Verdict? = nil) {
        state.withLock {
            $0.hookScript[name, default: []] += verdicts
            if let verdict { $0.hookDefault[name] = verdict }
        }
    }

    /// Sets the provider availability verdict.
    public func setProviderAvailability(_ verdict: CheckRecord.Verdict) { state.withLock { $0.providerVerdict = verdict } }

    /// Every call so far.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// Webhook calls so far as `type:name@phase`.
    public var hookCalls: [String] {
        calls.filter { $0.kind == "webhook" }.map { "\($0.type ?? ""):\($0.name)@\($0.phase?.rawValue ?? "")" }
    }
    /// Forgets recorded calls.
    public func resetCalls() { state.withLock { $0.calls = [] } }

    /// The scripted verdict of the metric (default pass), recorded.
    public func evaluate(metric: CanaryMetric, of canary: Canary, at now: Date) async -> CheckRecord {
        let verdict: CheckRecord.Verdict = state.withLock {
            $0.calls.append(Call(kind: "metric", name: metric.name))
            if var q = $0.metricScript[metric.name], !q.isEmpty {
                let v = q.removeFirst()
                $0.metricScript[metric.name] = q
                return v
            }
            return $0.metricDefault[metric.name] ?? .pass
        }
        let value: Double = verdict == .pass ? 99.5 : 42
        let message: String
        switch verdict {
        case .pass: message = "\(metric.name) \(value) within bounds"
        case .hold: message = "no values found for metric \(metric.name) (onNoData: hold)"
        default: message = "Halt \(canary.name).\(canary.namespace) advancement \(metric.name) \(value) < 99"
        }
        return CheckRecord(time: now, kind: .metric, name: metric.name, query: "scripted(\(metric.name))",
                           value: verdict == .hold ? nil : value, min: metric.bounds.min, max: metric.bounds.max,
                           verdict: verdict, message: message)
    }

    /// The scripted verdict of the hook (default pass, HTTP 200), recorded with its phase.
    public func call(webhook: CanaryWebhook, of canary: Canary, phase: CanaryPhase, checksum: String, at now: Date) async
        -> CheckRecord {
        let verdict: CheckRecord.Verdict = state.withLock {
            $0.calls.append(Call(kind: "webhook", name: webhook.name, type: webhook.webhookType?.rawValue, phase: phase,
                                 checksum: checksum, metadata: webhook.metadata))
            if var q = $0.hookScript[webhook.name], !q.isEmpty {
                let v = q.removeFirst()
                $0.hookScript[webhook.name] = q
                return v
            }
            return $0.hookDefault[webhook.name] ?? .pass
        }
        let status = verdict == .pass ? 200 : (verdict == .skipped ? nil : 403)
        return CheckRecord(time: now, kind: .webhook, name: webhook.name, status: status, verdict: verdict,
                           message: verdict == .skipped ? "would call \(webhook.url)" : (verdict == .pass ? "" : "forbidden"))
    }

    /// The scripted provider availability, recorded.
    public func isProviderAvailable(for canary: Canary) async -> CheckRecord {
        let verdict = state.withLock {
            $0.calls.append(Call(kind: "provider", name: "providers"))
            return $0.providerVerdict
        }
        return CheckRecord(kind: .metric, name: "providers", verdict: verdict,
                           message: verdict == .pass ? "" : "prometheus unreachable")
    }
}
