import Foundation
import Resources

/// What one run should do for one Canary: ordered writes, the status (last), events, alerts, deferred calls, and
/// the reason for the decision. Plain data: printed by `plan`, executed by the Applier, asserted by tests.
public struct CanaryPlan: Sendable, Hashable, Codable {
    /// The Canary.
    public var canary: ObjectRef
    /// Writes in order; the status update comes after all of them.
    public var writes: [PlannedWrite]
    /// The status to write last (nil: nothing to write), conditioned on ``statusPrecondition``.
    public var statusUpdate: CanaryStatus?
    /// The Canary's resourceVersion as read; the status write is conditional on it.
    public var statusPrecondition: String?
    /// Kubernetes events to record, in order.
    public var events: [PlannedEvent]
    /// Alerts to send, in order.
    public var alerts: [PlannedAlert]
    /// Fire-and-forget calls (event webhooks), made after the status write.
    public var deferredCalls: [DeferredCall]
    /// Every check made while planning.
    public var checks: [CheckRecord]
    /// One human line: what happens and why.
    public var decision: String
    /// True when a check was skipped (read-only `plan`) and assumed to pass: the decision is hypothetical.
    public var hypothetical: Bool
    /// When the next step is due.
    public var nextDue: Date?
    /// Estimated promotion time when all remaining checks pass.
    public var eta: Date?
    /// True when the canary waits for a change of its inputs (idle after a run, a failed revision, suspended): planned
    /// again at any later time with the same Canary, the same observed objects and the same Git revision, the plan is
    /// the same. No clock is involved, so a caller may reuse it while its inputs are unchanged.
    public var idle: Bool

    /// Creates an empty plan.
    public init(canary: ObjectRef, decision: String = "") {
        self.canary = canary
        self.writes = []
        self.statusUpdate = nil
        self.statusPrecondition = nil
        self.events = []
        self.alerts = []
        self.deferredCalls = []
        self.checks = []
        self.decision = decision
        self.hypothetical = false
        self.nextDue = nil
        self.eta = nil
        self.idle = false
    }

    /// Writes that change something (not mere re-assertions of unchanged desired objects).
    public var changes: [PlannedWrite] { writes.filter { $0.intent == .change } }
    /// Whether the plan writes nothing but re-assertions (a converged or not-due canary).
    public var isQuiet: Bool { changes.isEmpty && statusUpdate == nil && events.isEmpty && alerts.isEmpty }
}

/// One write of a plan.
public struct PlannedWrite: Sendable, Hashable, Codable {
    /// The operation.
    public enum Action: Sendable, Hashable, Codable {
        /// Server-side apply of a whole desired object with field manager `gitcanary-rollout`.
        case apply(object: JSONValue)
        /// JSON merge patch of an existing object.
        case patch(ref: ObjectRef, mergePatch: JSONValue)
        /// Delete an object.
        case delete(ref: ObjectRef)
    }
    /// Why the write is in the plan.
    public enum Intent: String, Sendable, Hashable, Codable {
        /// The step changes this object.
        case change
        /// Re-assertion of a generated object the rollout owns (drift correction); the Applier skips it when the
        /// cluster already matches.
        case assert
    }
    /// The operation.
    public var action: Action
    /// Change or re-assertion.
    public var intent: Intent
    /// Why.
    public var reason: String
    /// The resourceVersion the write was planned from, when the object existed.
    public var precondition: String?

    /// Creates a write.
    public init(_ action: Action, intent: Intent, reason: String, precondition: String? = nil) {
        self.action = action
        self.intent = intent
        self.reason = reason
        self.precondition = precondition
    }

    /// The object written.
    public var ref: ObjectRef {
        switch action {
        case .apply(let object): return Manifest(object: object).ref
        case .patch(let ref, _): return ref
        case .delete(let ref): return ref
        }
    }
}

/// A Kubernetes Event on the Canary (reason `Synced`, component `flagger`, as Flagger records it).
public struct PlannedEvent: Sendable, Hashable, Codable {
    /// `Normal` or `Warning`.
    public enum EventType: String, Sendable, Hashable, Codable {
        case normal = "Normal"
        case warning = "Warning"
    }
    /// The type.
    public var type: EventType
    /// Flagger's text.
    public var message: String
    /// The phase sent in the event webhook payload.
    public var payloadPhase: CanaryPhase
    /// Annotations of the Event (`gitcanary.dev/revision`).
    public var annotations: [String: String]
    /// Creates an event.
    public init(type: EventType, message: String, payloadPhase: CanaryPhase, annotations: [String: String] = [:]) {
        self.type = type
        self.message = message
        self.payloadPhase = payloadPhase
        self.annotations = annotations
    }
}

/// An alert (flagger-behaviour.md §8.2). Routing to providers is the caller's job.
public struct PlannedAlert: Sendable, Hashable, Codable {
    /// Severity.
    public enum Severity: String, Sendable, Hashable, Codable {
        case info, warn, error
    }
    /// Flagger's message.
    public var message: String
    /// Severity.
    public var severity: Severity
    /// Whether the Target / threshold / deadline / routing fields are included.
    public var includeMetadataFields: Bool
    /// The fields, in order (Cluster, Target, …, Revision).
    public var fields: [AlertField]
    /// Creates an alert.
    public init(message: String, severity: Severity, includeMetadataFields: Bool, fields: [AlertField] = []) {
        self.message = message
        self.severity = severity
        self.includeMetadataFields = includeMetadataFields
        self.fields = fields
    }
}

/// One titled field of an alert.
public struct AlertField: Sendable, Hashable, Codable {
    /// Title.
    public var name: String
    /// Value.
    public var value: String
    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A call made after the status write whose outcome does not change the plan (event webhooks).
public struct DeferredCall: Sendable, Hashable, Codable {
    /// The hook.
    public var webhook: CanaryWebhook
    /// Payload phase.
    public var phase: CanaryPhase
    /// Payload checksum.
    public var checksum: String
    /// Payload metadata: the hook's metadata plus `eventMessage`, `eventType`, `timestamp` (epoch milliseconds).
    public var metadata: [String: String]
    /// Creates a call.
    public init(webhook: CanaryWebhook, phase: CanaryPhase, checksum: String, metadata: [String: String]) {
        self.webhook = webhook
        self.phase = phase
        self.checksum = checksum
        self.metadata = metadata
    }
}
