import Foundation
import KubeAPI
import Resources

extension Analyzer {
    /// The webhook caller of this run.
    public var webhookCaller: WebhookCaller {
        WebhookCaller(client: client, retry: configuration.retry, deadline: deadline)
    }

    /// Calls one hook (§3): POST `{name, namespace, phase, checksum, metadata}` with the hook's timeout
    /// (default 10 s), `retries` and `disableTLS`. Verdict `pass` when the final status is ≤ 202, `fail`
    /// otherwise (message: the response body, or "giving up after N attempt(s)"), `hold` when the run's budget
    /// ended first (nothing concluded; the next run asks again).
    public func call(
        webhook: CanaryWebhook, of canary: Canary, phase: CanaryPhase, checksum: String, at now: Date
    ) async -> CheckRecord {
        guard configuration.callsWebhooks else {
            return CheckRecord(
                time: now, kind: .webhook, name: webhook.name, verdict: .skipped,
                message: "would call POST \(URLText.display(webhook.url)) (read-only run)")
        }
        let payload = WebhookPayload.hook(webhook, canary: canary, phase: phase, checksum: checksum)
        let outcome = await webhookCaller.post(
            url: webhook.url, body: payload.body, timeout: .milliseconds(Int64(webhook.timeoutSeconds * 1000)),
            retries: webhook.retries ?? 0, insecureSkipVerify: webhook.disableTLS ?? false)
        let record = Self.record(outcome, name: webhook.name, now: now)
        logger.log(
            level: record.verdict == .pass ? .debug : .info,
            "webhook \(webhook.name) (\(webhook.webhookType?.rawValue ?? webhook.type ?? "")): \(record.verdict.rawValue)",
            metadata: logMetadata(canary).merging(
                ["message": "\(record.message)", "attempts": "\(outcome.attempts)"], uniquingKeysWith: { a, _ in a }))
        return record
    }

    /// Sends an event to the canary's `event` hooks, or to the global event webhook when it has none (§3.4).
    /// Failures are only reported (and logged), never change the canary.
    public func callEventWebhooks(
        canary: Canary, message: String, eventType: String, checksum: String, at now: Date
    ) async -> [CheckRecord] {
        guard configuration.callsWebhooks else { return [] }
        var hooks = canary.webhooks(.event)
        if hooks.isEmpty, let global = configuration.eventWebhook, !global.isEmpty {
            hooks = [CanaryWebhook(name: "events", url: global, type: WebhookType.event.rawValue)]
        }
        var records: [CheckRecord] = []
        for hook in hooks {
            let payload = WebhookPayload.event(
                hook, canary: canary, message: message, eventType: eventType, checksum: checksum, at: now)
            let outcome = await webhookCaller.post(
                url: hook.url, body: payload.body, timeout: .milliseconds(Int64(hook.timeoutSeconds * 1000)),
                retries: hook.retries ?? 0, insecureSkipVerify: hook.disableTLS ?? false)
            let record = Self.record(outcome, name: hook.name, now: now)
            if record.verdict != .pass {
                logger.error(
                    "error sending event to webhook: \(record.message)",
                    metadata: logMetadata(canary).merging(["webhook": "\(hook.name)"], uniquingKeysWith: { a, _ in a }))
            }
            records.append(record)
        }
        return records
    }

    static func record(_ outcome: WebhookOutcome, name: String, now: Date) -> CheckRecord {
        switch outcome.result {
        case .succeeded:
            return CheckRecord(
                time: now, kind: .webhook, name: name, status: outcome.status, verdict: .pass, message: outcome.message)
        case .failed:
            return CheckRecord(
                time: now, kind: .webhook, name: name, status: outcome.status, verdict: .fail, message: outcome.message)
        case .notDone:
            return CheckRecord(
                time: now, kind: .webhook, name: name, status: outcome.status, verdict: .hold,
                message: budgetMessage("webhook \(name) (\(outcome.attempts) attempt(s) made)"))
        }
    }
}
