import Foundation
import Resources

/// A confirm gate that did not open: its hook or annotation, whether alerts are muted, why, and whether the hook
/// simply was not done (verdict `hold`: the step is dropped rather than the gate counted as closed).
struct ClosedGate {
    var name: String
    var mute: Bool
    var message: String
    var notDone: Bool
    /// `name: message`, without repeating the name.
    var summary: String {
        if message.isEmpty { return name }
        return message.contains(name) ? message : "\(name): \(message)"
    }
}

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
                     passedText: (String) -> String) async -> ClosedGate? {
        for hook in canary.webhooks(type) {
            var r = await probe.call(webhook: hook, of: canary, phase: phase, checksum: b.checksum, at: b.now)
            if r.name.isEmpty { r.name = hook.name }
            b.record(r)
            if r.verdict == .fail || r.verdict == .hold {
                return ClosedGate(name: hook.name, mute: hook.muteAlert == true, message: r.message,
                                  notDone: r.verdict == .hold)
            }
            b.info(passedText(hook.name))
        }
        if let r = gates.approval(gate, commit: commit) {
            b.record(r)
            if r.verdict != .pass { return ClosedGate(name: r.name, mute: false, message: r.message, notDone: false) }
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

    /// Post-rollout hooks after Succeeded/Failed: checked, a failure only stops later post-rollout hooks (a hook
    /// not done, verdict `hold`, stops them silently).
    func postRollout(phase: CanaryPhase) async {
        for hook in canary.webhooks(.postRollout) {
            var r = await probe.call(webhook: hook, of: canary, phase: phase, checksum: b.checksum, at: b.now)
            if r.name.isEmpty { r.name = hook.name }
            b.record(r)
            if r.verdict == .hold { return }
            if r.verdict == .fail {
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
