import Foundation
import Resources

/// The issue's invariants, checked after every run against the cluster state (routes, workloads, Canary status):
/// route weights are integers in 0...100 summing to 100; the primary is never scaled to zero while it serves
/// traffic; traffic never goes to a workload that is not ready; nothing is promoted unless its analysis passed;
/// failed checks never decrease within an analysis; every phase change is one of flagger-behaviour.md §2.3's; no
/// canary advances more than one step (10 %) per due interval.
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

    private(set) var violations: [String] = []
    private(set) var checks = 0
    private var lastPhase = ""
    private var lastFailedChecks = 0
    private var lastWeight = 0
    private var lastTime: Date?
    private var stepWeightChangeAt: [Date: Int] = [:]

    mutating func check(canary: JSONValue, primary: JSONValue?, target: JSONValue?, routeWeights: [Int]?, now: Date, badImage: String?) {
        checks += 1
        let phase = canary["status", "phase"]?.stringValue ?? ""
        let failedChecks = Int(canary["status", "failedChecks"]?.intValue ?? 0)
        let weight = Int(canary["status", "canaryWeight"]?.intValue ?? 0)
        // Routes.
        if let w = routeWeights {
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
        // Failed checks within one analysis.
        let analysing = ["Progressing", "WaitingPromotion"]
        if analysing.contains(phase) && analysing.contains(lastPhase) && failedChecks < lastFailedChecks {
            violations.append("failedChecks decreased from \(lastFailedChecks) to \(failedChecks) within an analysis")
        }
        // One step per due interval: the weight rises by at most 10 per clock instant (overlapping runs included).
        if let lastTime, now == lastTime {
            let rise = weight - (stepWeightChangeAt[now] ?? lastWeight)
            if rise > 10 { violations.append("the weight rose by \(rise) at one instant (more than one step)") }
        } else {
            stepWeightChangeAt[now] = lastWeight
            if weight - lastWeight > 10 { violations.append("the weight rose from \(lastWeight) to \(weight) in one interval") }
        }
        lastPhase = phase
        lastFailedChecks = failedChecks
        lastWeight = weight
        lastTime = now
    }
}
