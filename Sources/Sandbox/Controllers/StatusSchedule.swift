import Foundation
import Resources

/// The objects whose status can still change with the clock alone, and when: what `settle` has to look at.
///
/// A Deployment's status depends on the clock only while its pods are not ready (its Progressing condition turns
/// to ProgressDeadlineExceeded once `progressDeadlineSeconds` have passed since its template changed). The
/// schedule holds those Deployments with the instant their deadline passes, so that bringing status up to the
/// clock costs nothing while the clock has not reached the next instant (every request settles first), instead
/// of a pass over every Deployment of the cluster. A pass re-evaluates every scheduled object, as before, and
/// happens when the clock reaches the next due instant, when it moves backwards, or after a write that bypassed
/// the controllers (a `/status` write of a scheduled object, which the next pass overwrites as it always did).
struct StatusSchedule {
    /// Scheduled objects and the instant their time-dependent status next changes (or last changed).
    private(set) var due: [StoreKey: Date] = [:]
    /// The clock of the last pass (nil: none yet).
    private var settledAt: Date? = nil
    /// The earliest due instant not already behind the last pass (nil: none).
    private var nextDue: Date? = nil
    /// A write bypassed the controllers: the next settle makes a pass whatever the clock says.
    private var forced = false

    /// Due instants are compared with a margin, so that rounding in the conditions' own arithmetic
    /// (`now.timeIntervalSince(started) > deadline`) can never make a pass come late.
    static let margin: TimeInterval = 1

    /// Whether a pass is needed to bring status up to `now`.
    func needsPass(at now: Date) -> Bool {
        if forced { return true }
        guard let settledAt else { return !due.isEmpty }
        if now == settledAt { return false }
        if now < settledAt { return !due.isEmpty }
        guard let nextDue else { return false }
        return now >= nextDue.addingTimeInterval(-Self.margin)
    }

    /// Schedules `key` (or moves its instant); `bypassedControllers` forces the next pass.
    mutating func schedule(_ key: StoreKey, at instant: Date, bypassedControllers: Bool = false) {
        due[key] = instant
        if bypassedControllers { forced = true }
        if settledAt.map({ instant > $0.addingTimeInterval(-Self.margin) }) ?? true {
            nextDue = min(nextDue ?? instant, instant)
        }
    }

    /// Drops `key`: its status no longer depends on the clock.
    mutating func unschedule(_ key: StoreKey) { due[key] = nil }

    /// Records a finished pass at `now`.
    mutating func passed(at now: Date) {
        settledAt = now
        forced = false
        let floor = now.addingTimeInterval(-Self.margin)
        nextDue = due.values.filter { $0 > floor }.min()
    }
}

extension Cluster {
    /// The instant a Deployment's progress deadline passes (nil: its status does not depend on the clock).
    func progressDeadline(of key: StoreKey, _ obj: JSONValue) -> Date? {
        guard key.group == "apps", key.resource == "deployments", obj["metadata", "deletionTimestamp"] == nil,
            let rollout = rollouts[key], !WorkloadController.templateIsReady(obj)
        else { return nil }
        let deadline = Double(obj["spec", "progressDeadlineSeconds"]?.intValue ?? 600)
        return rollout.started.addingTimeInterval(deadline)
    }

    /// Keeps the schedule in step with a stored write of `key` (`bypassedControllers`: a `/status` write).
    mutating func scheduleStatus(of key: StoreKey, _ obj: JSONValue, bypassedControllers: Bool) {
        guard key.group == "apps", key.resource == "deployments" else { return }
        if let instant = progressDeadline(of: key, obj) {
            statusSchedule.schedule(key, at: instant, bypassedControllers: bypassedControllers)
        } else {
            statusSchedule.unschedule(key)
        }
    }

    /// Re-evaluates time-dependent status (progress deadlines) and stores what changed: a pass over the
    /// scheduled Deployments when the clock has reached one of their instants (see ``StatusSchedule``).
    mutating func settleControllers() {
        let now = now
        guard statusSchedule.needsPass(at: now) else { return }
        for k in statusSchedule.due.keys {
            guard let v = objects[k], progressDeadline(of: k, v) != nil, let rollout = rollouts[k] else {
                statusSchedule.unschedule(k)
                continue
            }
            let status = WorkloadController.deploymentStatus(v, rollout: rollout, now: now)
            if status != v["status"] {
                var o = v
                o["status"] = status
                o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
                objects[k] = o
                record("MODIFIED", k, o)
            }
        }
        statusSchedule.passed(at: now)
    }
}
