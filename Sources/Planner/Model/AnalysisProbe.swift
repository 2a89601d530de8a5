import Foundation
import Resources

/// How the Planner asks for the outcomes of checks while it decides. The Reconciler adapts `Analysis` to it;
/// `plan` uses a read-only implementation that queries metrics but answers webhooks with `.skipped` ("would call").
public protocol AnalysisProbe: Sendable {
    /// Evaluates one metric: renders and runs its query, applies its bounds and `onNoData`, and returns the verdict
    /// (`pass`, `fail`, or `hold` for no data with `onNoData: hold`).
    func evaluate(metric: CanaryMetric, of canary: Canary, at now: Date) async -> CheckRecord
    /// Calls one webhook with the payload phase and checksum; `pass` when the final status is ≤ 202, else `fail`;
    /// `skipped` when the caller does not call webhooks (read-only planning).
    func call(webhook: CanaryWebhook, of canary: Canary, phase: CanaryPhase, checksum: String, at now: Date) async
        -> CheckRecord
    /// Checks that the canary's metric providers answer (flagger-behaviour.md §4.4).
    func isProviderAvailable(for canary: Canary) async -> CheckRecord
}
