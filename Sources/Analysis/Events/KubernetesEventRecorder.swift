import Foundation
import Resources

/// Kubernetes event types.
public enum KubernetesEventType: String, Sendable, Hashable {
    /// Flagger's info events.
    case normal = "Normal"
    /// Flagger's warning and error events.
    case warning = "Warning"
}

/// Builds core/v1 Events on a Canary (reason `Synced`, source and reporting component `gitcanary`, annotation
/// `gitcanary.dev/revision`), deduplicated within a run: the same (canary, type, message) is recorded once.
///
/// The Reconciler POSTs ``events`` through KubeAPI; this type sends nothing.
public struct KubernetesEventRecorder: Sendable {
    /// The reporting component.
    public static let component = "gitcanary"
    /// The reason Flagger uses for every event.
    public static let reason = "Synced"
    /// The annotation carrying the Git commit under analysis.
    public static let revisionAnnotation = "gitcanary.dev/revision"

    private var seen: Set<String> = []
    /// The events recorded so far, in order.
    public private(set) var events: [JSONValue] = []
    /// The reporting instance (e.g. the pod or host name), optional.
    public var reportingInstance: String?

    /// An empty recorder.
    public init(reportingInstance: String? = nil) {
        self.reportingInstance = reportingInstance
    }

    /// Records an event; returns the Event object, or `nil` when the same event was already recorded this run.
    @discardableResult
    public mutating func record(
        canary: Canary, type: KubernetesEventType, message: String, revision: String?, at now: Date
    ) -> JSONValue? {
        let key = "\(canary.namespace)/\(canary.name)\u{0}\(type.rawValue)\u{0}\(message)"
        guard seen.insert(key).inserted else { return nil }
        let event = Self.build(
            canary: canary, type: type, message: message, revision: revision, at: now,
            reportingInstance: reportingInstance)
        events.append(event)
        return event
    }

    /// A core/v1 Event object for the canary. Its name is `<canary>.<hex>`, the hex derived from the time and
    /// the message, so distinct events of one run never collide and a retried POST is idempotent.
    public static func build(
        canary: Canary, type: KubernetesEventType, message: String, revision: String?, at now: Date,
        reportingInstance: String? = nil
    ) -> JSONValue {
        let nanos = UInt64(max(0, now.timeIntervalSince1970) * 1e9)
        var hash: UInt64 = 14_695_981_039_346_656_037
        for b in "\(type.rawValue)\u{0}\(message)".utf8 {
            hash ^= UInt64(b)
            hash = hash &* 1_099_511_628_211
        }
        let name = "\(canary.name).\(String(nanos, radix: 16))\(String(hash & 0xffff_ffff, radix: 16))"
        let time = JSONValue.string(RFC3339.format(now))
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(canary.namespace)]
        if let revision, !revision.isEmpty {
            metadata["annotations"] = [revisionAnnotation: .string(revision)]
        }
        var involved: JSONValue = [
            "apiVersion": .string(canary.apiVersion ?? Canary.apiVersion), "kind": .string(Canary.kind),
            "name": .string(canary.name), "namespace": .string(canary.namespace),
        ]
        if let uid = canary.metadata.uid { involved["uid"] = .string(uid) }
        if let rv = canary.metadata.resourceVersion { involved["resourceVersion"] = .string(rv) }
        var event: JSONValue = [
            "apiVersion": "v1", "kind": "Event", "metadata": metadata, "involvedObject": involved,
            "reason": .string(reason), "message": .string(message), "type": .string(type.rawValue),
            "source": ["component": .string(component)], "reportingComponent": .string(component),
            "firstTimestamp": time, "lastTimestamp": time, "count": 1,
        ]
        if let reportingInstance { event["reportingInstance"] = .string(reportingInstance) }
        return event
    }
}

/// The name the design notes use for ``KubernetesEventRecorder`` (it builds the Event objects; the Reconciler
/// sends them).
public typealias KubernetesEventBuilder = KubernetesEventRecorder
