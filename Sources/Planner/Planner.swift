import Foundation
import Resources

/// Plans one step of one Canary: Flagger's tick (flagger-behaviour.md §2.2) as a pure function.
///
/// No I/O, no clock, no randomness, no logging: time, random strings and check outcomes come in through
/// ``PlanInput`` and ``AnalysisProbe``; everything to do comes out as a ``CanaryPlan``.
public enum Planner {
    /// Plans one canary. `async` only because the probe is.
    public static func plan(_ input: PlanInput, probe: any AnalysisProbe) async -> CanaryPlan {
        let b = PlanBuilder(input: input)
        await Tick(builder: b, probe: probe).run()
        return finish(b)
    }

    static func finish(_ b: PlanBuilder) -> CanaryPlan {
        var plan = b.plan
        // A later change of an object supersedes an earlier re-assertion of it.
        let changed = Set(plan.writes.filter { $0.intent == .change }.map(\.ref))
        plan.writes.removeAll { $0.intent == .assert && changed.contains($0.ref) }
        if b.statusDirty {
            plan.statusUpdate = b.status
            plan.statusPrecondition = b.canary.metadata.resourceVersion
        }
        let phase = b.status.phase ?? .none
        if Tick.gatedPhases.contains(phase), plan.nextDue == nil {
            plan.nextDue = (b.lastStep ?? b.now).addingTimeInterval(b.canary.intervalSeconds)
        }
        if let due = plan.nextDue, Tick.gatedPhases.contains(phase) {
            plan.eta = due.addingTimeInterval(Double(max(0, remainingSteps(b.canary, b.status) - 1)) * b.canary.intervalSeconds)
        }
        if let note = b.note { plan.decision += " (\(note))" }
        if plan.hypothetical && !plan.decision.contains("hypothetical") {
            let skipped = plan.checks.filter { $0.verdict == .skipped }.map(\.name)
            plan.decision += " (hypothetical: assumes \(skipped.joined(separator: ", ")) pass\(skipped.count == 1 ? "es" : ""))"
        }
        return plan
    }

    /// When a canary's next step is due and its estimated promotion time, from its status alone (for `status`,
    /// which does not plan). Both `nil` for phases without an interval (idle, waiting for a rollout approval).
    public static func timing(of canary: Canary) -> (nextDue: Date?, eta: Date?) {
        let s = canary.status ?? CanaryStatus()
        guard Tick.gatedPhases.contains(s.phase ?? .none),
              let last = s.lastStepTime ?? s.lastTransitionTime else { return (nil, nil) }
        let due = last.addingTimeInterval(canary.intervalSeconds)
        let eta = due.addingTimeInterval(Double(max(0, remainingSteps(canary, s) - 1)) * canary.intervalSeconds)
        return (due, eta)
    }

    /// Steps left until Succeeded when every check passes (for the ETA).
    static func remainingSteps(_ canary: Canary, _ s: CanaryStatus) -> Int {
        let promotionSteps: Int = {
            let step = canary.stepWeightPromotion
            let w = s.canaryWeight ?? 0
            return (step > 0 && w > 0 ? Int((Double(w) / Double(step)).rounded(.up)) : 1) + 1
        }()
        switch s.phase ?? .none {
        case .finalising: return 1
        case .promoting: return promotionSteps
        default: break
        }
        switch canary.strategy {
        case .canary:
            var w = s.canaryWeight ?? 0
            var n = (w == 0) ? 1 : 0
            var guardCount = 0
            while w < canary.maxWeight && guardCount < 200 {
                let step = canary.nextStepWeight(from: w)
                if step <= 0 { break }
                w += step
                n += 1
                guardCount += 1
            }
            return n + 1 + promotionSteps
        case .blueGreen, .abTesting:
            let i = s.iterations ?? 0
            let extra = canary.strategy == .blueGreen ? 1 : 0
            return max(0, canary.iterations - i) + extra + 1 + promotionSteps
        }
    }
}
