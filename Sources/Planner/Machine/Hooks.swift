import Foundation
import Resources

/// Webhook and metric calls of a tick, through the probe.
extension Tick {
    /// Calls the hooks of a type in order; returns the first failing hook and its record, or nil when all pass.
    /// A `.skipped` verdict (read-only planning) counts as a pass and marks the plan hypothetical.
    func callHooks(_ type: WebhookType, phase: CanaryPhase) async -> (CanaryWebhook, CheckRecord)? {
        for hook in canary.webhooks(type) {
            var r = await probe.call(webhook: hook, of: canary, phase: phase, checksum: b.checksum, at: b.now)
            if r.name.isEmpty { r.name = hook.name }
            b.record(r)
            if r.verdict == .fail || r.verdict == .hold { return (hook, r) }
        }
        return nil
    }

    /// Confirm-style gate: hooks of a type, then the persisted gate. Returns the closed gate's name, its mute
    /// flag and message, or nil when open. Emits "… check <hook> passed" events for passing hooks.
    func confirmGate(_ type: WebhookType, persisted gate: String, commit: String?, phase: CanaryPhase,
                     passedText: (String) -> String) async -> (name: String, mute: Bool, message: String)? {
        for hook in canary.webhooks(type) {
            var r = await probe.call(webhook: hook, of: canary, phase: phase, checksum: b.checksum, at: b.now)
            if r.name.isEmpty { r.name = hook.name }
            b.record(r)
            if r.verdict == .fail || r.verdict == .hold { return (hook.name, hook.muteAlert == true, r.message) }
            b.info(passedText(hook.name))
        }
        if let r = gates.approval(gate, commit: commit) {
            b.record(r)
            if r.verdict != .pass { return (r.name, false, r.message) }
        }
        return nil
    }

    /// The metrics of one analysis step in Flagger's order: builtin and inline-query metrics first, then template
    /// metrics. Returns the first failing or holding record, or nil when all pass.
    func runMetrics() async -> CheckRecord? {
        let metrics = canary.effectiveAnalysis?.metrics ?? []
        let first = metrics.filter { $0.templateRef == nil && ($0.isBuiltin || !($0.query ?? "").isEmpty) }
        let second = metrics.filter { m in !first.contains(m) }
        for m in first + second {
            var r = await probe.evaluate(metric: m, of: canary, at: b.now)
            if r.name.isEmpty { r.name = m.name }
            b.record(r)
            if r.verdict == .fail || r.verdict == .hold { return r }
        }
        return nil
    }

    /// Post-rollout hooks after Succeeded/Failed: checked, a failure only stops later post-rollout hooks.
    func postRollout(phase: CanaryPhase) async {
        for hook in canary.webhooks(.postRollout) {
            var r = await probe.call(webhook: hook, of: canary, phase: phase, checksum: b.checksum, at: b.now)
            if r.name.isEmpty { r.name = hook.name }
            b.record(r)
            if r.verdict == .fail || r.verdict == .hold {
                b.warn("Post-rollout hook \(hook.name) failed \(r.message)", phase: phase)
                return
            }
            b.info("Post-rollout check \(hook.name) passed", phase: phase)
        }
    }

    /// A summary of passed checks for the decision line.
    var passedSummary: String {
        let metrics = b.plan.checks.filter { $0.kind == .metric && $0.verdict == .pass }
        guard !metrics.isEmpty else { return "" }
        return ": " + metrics.map { m in
            if !m.message.isEmpty { return m.message }
            return m.value.map { "\(m.name) \($0)" } ?? m.name
        }.joined(separator: ", ")
    }
}
