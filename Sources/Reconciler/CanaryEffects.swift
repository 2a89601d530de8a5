import Analysis
import Foundation
import KubeAPI
import Logging
import Planner
import Resources

/// The effects of a canary step after its status write: Kubernetes Events (POSTed), alerts, event webhooks.
/// Failures here are reported and logged; they never change the canary.
struct CanaryEffects: Sendable {
    let client: KubeClient
    let analyzer: Analyzer
    let logger: Logger

    /// Records the plan's events, sends its alerts, calls the event webhooks; returns problems as text.
    func run(_ plan: CanaryPlan, canary: Canary, revision: String?, now: Date) async -> [String] {
        var problems: [String] = []
        var recorder = KubernetesEventRecorder()
        for e in plan.events {
            let type: KubernetesEventType = e.type == .warning ? .warning : .normal
            guard var event = recorder.record(canary: canary, type: type, message: e.message, revision: revision, at: now) else { continue }
            for (k, v) in e.annotations { event.set(.string(v), at: ["metadata", "annotations", k]) }
            do {
                _ = try await client.create(BuiltinResources.events, namespace: canary.namespace, object: event)
            } catch {
                problems.append("event on \(canary.namespace)/\(canary.name): \(error.description)")
            }
            _ = await analyzer.callEventWebhooks(
                canary: canary, message: e.message, eventType: e.type.rawValue,
                checksum: WebhookPayload.checksum(of: canary), at: now)
        }
        for a in plan.alerts {
            let severity: AlertSeverity = a.severity == .error ? .error : (a.severity == .warn ? .warn : .info)
            let deliveries = await analyzer.alertNotifier.send(
                Alert(message: a.message, severity: severity, includeMetadata: a.includeMetadataFields), for: canary)
            for d in deliveries where !d.delivered { problems.append("alert to \(d.recipient): \(d.message)") }
        }
        for p in problems { logger.warning("\(p)") }
        return problems
    }
}
