import Foundation
import Resources

/// Accumulates one canary's plan while the tick runs: writes in order, a working copy of the status, events,
/// alerts and checks. Local to one `Planner.plan` call.
final class PlanBuilder {
    let input: PlanInput
    var plan: CanaryPlan
    /// The status as read.
    let observedStatus: CanaryStatus
    /// The working status; written when ``statusDirty``.
    var status: CanaryStatus
    var statusDirty = false
    /// The routes as the status held them when read.
    let observedRoutes: Routes
    /// Set when a step changed the routes.
    var routesChanged = false
    /// The routes that the routing asserts of this plan carry.
    var assertedRoutes: Routes?
    /// A remark appended to the decision.
    var note: String?
    /// Where the current step began in the plan's lists (see ``abandonStep(_:)``).
    var stepMark = (writes: 0, events: 0, alerts: 0, deferred: 0)

    init(input: PlanInput) {
        self.input = input
        self.plan = CanaryPlan(canary: Manifest(object: ["apiVersion": .string(Canary.apiVersion), "kind": "Canary",
                                                          "metadata": ["name": .string(input.canary.name),
                                                                       "namespace": .string(input.canary.namespace)]]).ref)
        let s = input.canary.status ?? CanaryStatus()
        self.observedStatus = s
        self.status = s
        self.observedRoutes = PlanBuilder.routes(of: s)
    }

    static func routes(of s: CanaryStatus) -> Routes {
        let c = max(0, min(100, s.canaryWeight ?? 0))
        return Routes(primary: 100 - c, canary: c, mirrored: s.mirrored ?? false)
    }

    var phase: CanaryPhase { status.phase ?? .none }
    /// The last step: `lastStepTime`, else Flagger's `lastTransitionTime` (written by every status write), so
    /// gating still works when a Flagger-only CRD pruned GitCanary's fields.
    var lastStep: Date? { status.lastStepTime ?? status.lastTransitionTime }
    /// The phase start: `phaseStartTime`, else `lastTransitionTime` (same fallback).
    var phaseStart: Date? { status.phaseStartTime ?? status.lastTransitionTime }
    var canary: Canary { input.canary }
    var now: Date { input.now }

    // MARK: writes

    func change(_ object: JSONValue, _ reason: String) {
        let m = Manifest(object: object)
        let rv = input.object(kind: m.kind, name: m.name)?["metadata", "resourceVersion"]?.stringValue
        plan.writes.append(PlannedWrite(.apply(object: object), intent: .change, reason: reason, precondition: rv))
    }

    func assert(_ object: JSONValue, _ reason: String) {
        plan.writes.append(PlannedWrite(.apply(object: object), intent: .assert, reason: reason))
    }

    /// Applies when the object is missing or differs from the observed one in its spec/data; asserts otherwise.
    func ensure(_ object: JSONValue, _ reason: String) {
        let m = Manifest(object: object)
        if let existing = input.object(kind: m.kind, name: m.name), Self.covers(existing, object) {
            assert(object, reason)
        } else {
            change(object, reason)
        }
    }

    /// Whether `observed` already holds every field of `desired` (server-side apply semantics, approximately).
    static func covers(_ observed: JSONValue, _ desired: JSONValue) -> Bool {
        switch (observed, desired) {
        case (.object(let o), .object(let d)):
            return d.allSatisfy { k, v in o[k].map { covers($0, v) } ?? false }
        case (.array(let o), .array(let d)):
            return o.count == d.count && zip(o, d).allSatisfy { covers($0, $1) }
        case (.int, .double), (.double, .int): return observed.doubleValue == desired.doubleValue
        default: return observed == desired
        }
    }

    func patch(_ ref: ObjectRef, _ mergePatch: JSONValue, _ reason: String) {
        let rv = input.observed[ref]?["metadata", "resourceVersion"]?.stringValue
        plan.writes.append(PlannedWrite(.patch(ref: ref, mergePatch: mergePatch), intent: .change, reason: reason,
                                        precondition: rv))
    }

    // MARK: events, alerts, checks

    var revisionAnnotation: [String: String] {
        ["gitcanary.dev/revision": status.revision?.commit ?? input.revision.commit]
    }

    func event(_ type: PlannedEvent.EventType, _ message: String, phase: CanaryPhase? = nil) {
        let payloadPhase = phase ?? self.phase
        plan.events.append(PlannedEvent(type: type, message: message, payloadPhase: payloadPhase,
                                        annotations: revisionAnnotation))
        for hook in canary.webhooks(.event) {
            var metadata = hook.metadata ?? [:]
            metadata["eventMessage"] = message
            metadata["eventType"] = type.rawValue
            metadata["timestamp"] = String(Int64((now.timeIntervalSince1970 * 1000).rounded()))
            plan.deferredCalls.append(DeferredCall(webhook: hook, phase: payloadPhase, checksum: checksum,
                                                   metadata: metadata))
        }
    }
    func info(_ message: String, phase: CanaryPhase? = nil) { event(.normal, message, phase: phase) }
    func warn(_ message: String, phase: CanaryPhase? = nil) { event(.warning, message, phase: phase) }

    func alert(_ message: String, _ severity: PlannedAlert.Severity, metadata: Bool = false) {
        var fields: [AlertField] = []
        if !input.settings.clusterName.isEmpty { fields.append(AlertField(name: "Cluster", value: input.settings.clusterName)) }
        if metadata {
            let a = canary.effectiveAnalysis
            fields.append(AlertField(name: "Target", value: "\(canary.targetKind)/\(canary.targetName).\(canary.namespace)"))
            fields.append(AlertField(name: "Failed checks threshold", value: String(canary.effectiveThreshold)))
            fields.append(AlertField(name: "Progress deadline", value: "\(canary.progressDeadlineSeconds)s"))
            let routing: String?
            switch canary.strategy {
            case .abTesting: routing = "A/B Testing"
            case .blueGreen: routing = "Blue/Green"
            case .canary:
                if let s = a?.stepWeights, !s.isEmpty {
                    routing = "Weight steps: \(s.map(String.init).joined(separator: ",")) max: \(a?.maxWeight ?? 0)"
                } else if let s = a?.stepWeight, s > 0 {
                    routing = "Weight step: \(s) max: \(a?.maxWeight ?? 0)"
                } else { routing = nil }
            }
            if let routing { fields.append(AlertField(name: "Traffic routing", value: routing)) }
        }
        fields.append(AlertField(name: "Revision", value: revisionAnnotation["gitcanary.dev/revision"] ?? ""))
        plan.alerts.append(PlannedAlert(message: message, severity: severity, includeMetadataFields: metadata, fields: fields))
    }

    func record(_ check: CheckRecord) {
        var c = check
        if c.time == nil { c.time = now }
        plan.checks.append(c)
        if c.verdict == .skipped { plan.hypothetical = true }
    }

    /// The webhook checksum: opaque, changes with lastAppliedSpec or trackedConfigs.
    var checksum: String {
        var v: JSONValue = ["lastAppliedSpec": .string(status.lastAppliedSpec ?? "")]
        if let t = status.trackedConfigs { v["trackedConfigs"] = JSONValue.fromStringMap(t) } else { v["trackedConfigs"] = .null }
        return input.settings.specHasher.hash(v)
    }

    func decide(_ text: String) {
        plan.decision = text
        plan.idle = false
    }

    /// Decides that the canary waits for a change of its inputs, whatever the time (``CanaryPlan/idle``).
    func decideIdle(_ text: String) {
        plan.decision = text
        plan.idle = true
    }

    /// Marks the start of the step: what ``abandonStep(_:)`` would undo.
    func beginStep() {
        stepMark = (plan.writes.count, plan.events.count, plan.alerts.count, plan.deferredCalls.count)
    }

    /// A check of the step was not done (verdict `hold`: no data with `onNoData: hold`, or the run's time budget
    /// ended): the step is dropped, nothing changes, and the next run asks again. The checks stay in the plan.
    func abandonStep(_ why: String) {
        plan.writes.removeSubrange(min(stepMark.writes, plan.writes.count)...)
        plan.events.removeSubrange(min(stepMark.events, plan.events.count)...)
        plan.alerts.removeSubrange(min(stepMark.alerts, plan.alerts.count)...)
        plan.deferredCalls.removeSubrange(min(stepMark.deferred, plan.deferredCalls.count)...)
        status = observedStatus
        statusDirty = false
        routesChanged = false
        decide("not done: \(why); nothing changes and the next run asks again")
    }
}
