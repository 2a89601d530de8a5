import Foundation
import Resources

/// The JSON body Flagger POSTs to webhooks (§3.1): `{name, namespace, phase, checksum, metadata}`,
/// `metadata` omitted when empty.
public struct WebhookPayload: Sendable, Hashable {
    /// Canary name.
    public var name: String
    /// Canary namespace.
    public var namespace: String
    /// The phase string (may be empty).
    public var phase: String
    /// The opaque checksum of the canary's tracked configs and last applied spec.
    public var checksum: String
    /// Hook metadata (and, for event hooks, `eventMessage`, `eventType`, `timestamp`).
    public var metadata: [String: String]

    /// Creates a payload.
    public init(name: String, namespace: String, phase: String, checksum: String, metadata: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.phase = phase
        self.checksum = checksum
        self.metadata = metadata
    }

    /// The payload of a (non-event) hook call.
    public static func hook(
        _ webhook: CanaryWebhook, canary: Canary, phase: CanaryPhase, checksum: String
    ) -> WebhookPayload {
        WebhookPayload(
            name: canary.name, namespace: canary.namespace, phase: phase.rawValue, checksum: checksum,
            metadata: webhook.metadata ?? [:])
    }

    /// The payload of an event hook (§3.4): `eventMessage`, `eventType` (`Normal`/`Warning`) and `timestamp`
    /// (Unix milliseconds of `now`) in `metadata`; hook metadata is merged in but cannot override them.
    public static func event(
        _ webhook: CanaryWebhook?, canary: Canary, message: String, eventType: String, checksum: String, at now: Date
    ) -> WebhookPayload {
        var metadata = [
            "eventMessage": message, "eventType": eventType,
            "timestamp": String(Int64((now.timeIntervalSince1970 * 1000).rounded(.down))),
        ]
        for (k, v) in webhook?.metadata ?? [:] where metadata[k] == nil { metadata[k] = v }
        return WebhookPayload(
            name: canary.name, namespace: canary.namespace, phase: canary.status?.phase?.rawValue ?? "",
            checksum: checksum, metadata: metadata)
    }

    /// The JSON object, keys in Flagger's order (metadata keys sorted).
    public var json: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        o["namespace"] = .string(namespace)
        o["phase"] = .string(phase)
        o["checksum"] = .string(checksum)
        if !metadata.isEmpty {
            var m = JSONObject()
            for k in metadata.keys.sorted() { m[k] = .string(metadata[k] ?? "") }
            o["metadata"] = .object(m)
        }
        return .object(o)
    }

    /// The request body.
    public var body: Data { Data(JSONWriter.bytes(json)) }

    /// A deterministic checksum of what Flagger's checksum covers (`status.trackedConfigs`,
    /// `status.lastAppliedSpec`): FNV-32a over their canonical JSON, decimal digits in Kubernetes' safe
    /// alphabet. Not byte-identical to Flagger's (which hashes a Go debug print); equally opaque and stable.
    public static func checksum(of canary: Canary) -> String {
        var o = JSONObject()
        if let tracked = canary.status?.trackedConfigs {
            var t = JSONObject()
            for k in tracked.keys.sorted() { t[k] = .string(tracked[k] ?? "") }
            o["trackedConfigs"] = .object(t)
        }
        o["lastAppliedSpec"] = .string(canary.status?.lastAppliedSpec ?? "")
        var hash: UInt32 = 2_166_136_261
        for byte in JSONWriter.bytes(.object(o), options: .canonical) {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).utf8.map { alphabet[Int($0) % alphabet.count] })
    }
}
