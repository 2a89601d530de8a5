import Foundation
import Resources

/// The issue's invariants, checked after every run against the cluster state (routes, workloads, Canary status):
/// route weights are integers in 0...100 summing to 100 on every HTTP route; the primary is never scaled to zero
/// while it serves traffic; traffic never goes to a workload that is not ready; nothing is promoted unless its
/// analysis passed; failed checks never decrease within an analysis; every phase change is one of
/// flagger-behaviour.md §2.3's; no canary advances more than one step per due interval.
///
/// A step is a change of the canary's progress: (phase, canaryWeight, iterations, failedChecks). All checks at one
/// clock instant together may make at most one step: a run makes at most one, a doubled run at the same instant
/// none. A restart (a new revision or config while analysing: back to weight 0) is not an advance and may follow a
/// step at once, but nothing may advance after it at the same instant. When the fault-free run's sequence of progress states is known (``reference``), a change is measured as
/// the distance along it, so overlapping runs that jump two steps between two checks are caught too; a state off
/// that path counts as one step.
struct FaultInvariants {
    /// Phase changes of §2.3 (a phase may always stay as it is). `Waiting` and `WaitingPromotion` are included for
    /// completeness; the harness's releases have no gates.
    static let transitions: [String: Set<String>] = [
        "": ["Initializing", "Initialized"],
        "Initializing": ["Initialized"],
        "Initialized": ["Waiting", "Progressing", "Succeeded"],
        "Succeeded": ["Waiting", "Progressing"],
        "Failed": ["Waiting", "Progressing"],
        "Waiting": ["Progressing"],
        "Progressing": ["Progressing", "WaitingPromotion", "Promoting", "Failed", "Succeeded"],
        "WaitingPromotion": ["Progressing", "Promoting", "Failed", "Succeeded"],
        "Promoting": ["Finalising", "Failed", "Succeeded"],
        "Finalising": ["Succeeded", "Failed"],
    ]

    /// A canary's progress: what a step changes.
    struct Progress: Hashable, CustomStringConvertible, Sendable {
        var phase: String
        var weight: Int
        var iterations: Int
        var failedChecks: Int
        var description: String { "\(phase.isEmpty ? "(none)" : phase) w\(weight) i\(iterations) f\(failedChecks)" }
    }

    private(set) var violations: [String] = []
    private(set) var checks = 0
    /// The progress states seen, each new one once in order (the fault-free run's become the faulty runs'
    /// ``reference``).
    private(set) var path: [Progress] = []
    /// The fault-free run's ``path``.
    var reference: [Progress]?

    private var last: Progress?
    private var lastAnalysis = ""
    private var lastTime: Date?
    private var stepsAtInstant = 0
    private var referenceIndex = 0

    mutating func check(canary: JSONValue, primary: JSONValue?, target: JSONValue?, routes: [[Int]]?, now: Date, badImage: String?) {
        checks += 1
        let status = canary["status"]
        let progress = Progress(
            phase: status?["phase"]?.stringValue ?? "", weight: Int(status?["canaryWeight"]?.intValue ?? 0),
            iterations: Int(status?["iterations"]?.intValue ?? 0), failedChecks: Int(status?["failedChecks"]?.intValue ?? 0))
        let phase = progress.phase
        checkRoutes(routes, primary: primary, target: target, phase: phase)
        let lastPhase = last?.phase ?? ""
        // Phase changes.
        if phase != lastPhase, !(Self.transitions[lastPhase]?.contains(phase) ?? false) {
            violations.append("phase \(lastPhase.isEmpty ? "(none)" : lastPhase) → \(phase) is not a §2.3 transition")
        }
        // Promotion only after a passed analysis: the bad revision never reaches the primary.
        if let badImage, let image = primary?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue,
            image == badImage
        {
            violations.append("the primary runs \(badImage), whose analysis failed (phase \(phase))")
        }
        // Failed checks within one analysis (an analysis is one target revision and config: a restart is a new one).
        let analysis = (status?["lastAppliedSpec"]?.stringValue ?? "") + JSONWriter.string(status?["trackedConfigs"] ?? .null)
        let analysing = ["Progressing", "WaitingPromotion"]
        if let last, analysing.contains(phase), analysing.contains(last.phase), analysis == lastAnalysis,
            progress.failedChecks < last.failedChecks
        {
            violations.append("failedChecks decreased from \(last.failedChecks) to \(progress.failedChecks) within an analysis")
        }
        checkSteps(progress, now: now, restart: restarted(progress, analysis: analysis))
        last = progress
        lastAnalysis = analysis
        lastTime = now
    }

    private mutating func checkRoutes(_ routes: [[Int]]?, primary: JSONValue?, target: JSONValue?, phase: String) {
        for w in routes ?? [] {
            if w.contains(where: { $0 < 0 || $0 > 100 }) || w.reduce(0, +) != 100 {
                violations.append("route weights \(w) are not integers in 0...100 summing to 100 (phase \(phase))")
            }
            let primaryWeight = w.first ?? 0
            let canaryWeight = w.count > 1 ? w[1] : 0
            if primaryWeight > 0, let p = primary {
                if (p["spec", "replicas"]?.intValue ?? 1) == 0 {
                    violations.append("the primary is scaled to zero while it serves \(primaryWeight)% (phase \(phase))")
                }
                if (p["status", "readyReplicas"]?.intValue ?? 0) == 0 {
                    violations.append("\(primaryWeight)% of traffic goes to the primary, which has no ready replica (phase \(phase))")
                }
            }
            if canaryWeight > 0, (target?["status", "readyReplicas"]?.intValue ?? 0) == 0 {
                violations.append("\(canaryWeight)% of traffic goes to the canary target, which has no ready replica (phase \(phase))")
            }
        }
    }

    /// A restart (§2.2 step 20): a new target revision or config while analysing sends the canary back to weight 0.
    private func restarted(_ progress: Progress, analysis: String) -> Bool {
        guard let last, ["Progressing", "WaitingPromotion"].contains(last.phase), analysis != lastAnalysis else { return false }
        return progress == Progress(phase: "Progressing", weight: 0, iterations: 0, failedChecks: 0)
    }

    /// At most one step per clock instant. A restart is not an advance (it follows a change in Git, at once), but it
    /// takes the instant: the new analysis's first step must wait for the next due instant.
    private mutating func checkSteps(_ progress: Progress, now: Date, restart: Bool) {
        if path.last != progress { path.append(progress) }
        if now != lastTime { stepsAtInstant = 0 }
        guard let last, last != progress else { return }
        if restart {
            stepsAtInstant = 1
            if let reference, let i = reference[referenceIndex...].firstIndex(of: progress) { referenceIndex = i }
            return
        }
        var steps = 1
        if let reference {
            if let i = reference[referenceIndex...].firstIndex(of: progress) {
                // Distance along the fault-free path when the previous state is the path's current one.
                if reference[referenceIndex] == last { steps = max(1, i - referenceIndex) }
                referenceIndex = i
            }
        }
        stepsAtInstant += steps
        if stepsAtInstant > 1 {
            violations.append("\(stepsAtInstant) steps at one instant (\(RFC3339.format(now))): \(last) → \(progress)")
        }
    }
}
