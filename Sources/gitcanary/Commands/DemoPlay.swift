import Foundation
import Reconciler
import Resources

/// The demo's release story on a `DemoWorld`, for any example: v1 initialized; v2 (a new image) analysed and
/// promoted (canary steps, blue/green or A/B iterations, as the example's strategy goes); v3 (a new image whose
/// pods answer 80% successes) analysed and rolled back. Each reconcile run is one line of `output`.
struct DemoPlay {
    /// One act of the story: its title and every run's outcome.
    struct Act {
        var title: String
        var runs: [(phase: CanaryPhase, weight: Int, iterations: Int, decision: String)] = []
    }

    let world: DemoWorld
    let start: Date
    let output: (String) -> Void

    /// The image tags the releases move through.
    static let images = ["podinfo:6.7.0", "podinfo:6.7.1", "podinfo:6.7.2"]

    /// Plays the three acts; throws when a run reports an error or an act does not reach its phase.
    func play() async throws -> [Act] {
        let file = try world.targetFile(containing: Self.images[0])
        var acts: [Act] = []
        acts.append(try await act("v1: podinfo 6.7.0 — first sync, the primary is bootstrapped", until: [.initialized], maxRuns: 6))
        try world.change(file, [(Self.images[0], Self.images[1])], message: "v2")
        acts.append(try await act("v2: podinfo 6.7.1 — a good release, analysed and promoted", until: [.succeeded], maxRuns: 30))
        try world.change(file, [(Self.images[1], Self.images[2])], message: "v3") { text in
            DemoEdit.annotatePodTemplate(text, key: "sandbox.gitcanary.dev/success-rate", value: "80")
        }
        acts.append(try await act("v3: podinfo 6.7.2 — a bad release (success rate 80%), rolled back", until: [.failed], maxRuns: 30))
        output("\nDone: v1 initialized, v2 promoted, v3 rolled back (and not retried until Git changes it).")
        return acts
    }

    /// Runs reconcile, printing the canary's line and stepping the clock one minute, until the phase is reached.
    func act(_ title: String, until: Set<CanaryPhase>, maxRuns: Int) async throws -> Act {
        output((title.hasPrefix("v1") ? "" : "\n") + "== " + title)
        var act = Act(title: title)
        for _ in 0..<maxRuns {
            let report = try await world.run()
            let elapsed = Int(world.sandbox.now.timeIntervalSince(start))
            let clock = String(format: "+%02d:%02d", elapsed / 60, elapsed % 60)
            if let e = report.errors.first { throw DemoError(e) }
            if let cs = report.changeSet, cs.counts.keys.contains(where: { $0 != .unchanged }) {
                output("\(clock)  git sync: \(cs.summary)")
            }
            guard let c = report.canaries.first else {
                output("\(clock)  (no canary yet)")
                world.sandbox.advanceClock(by: 60)
                continue
            }
            if let e = c.error { throw DemoError(e) }
            let phase = c.phaseAfter.rawValue.isEmpty ? "-" : c.phaseAfter.rawValue
            output("\(clock)  \(phase.padding(toLength: 17, withPad: " ", startingAt: 0)) \(ReportText.bar(c.weightAfter))  \(c.decision)")
            act.runs.append((c.phaseAfter, c.weightAfter, c.status?.iterations ?? 0, c.decision))
            if until.contains(c.phaseAfter) { return act }
            world.sandbox.advanceClock(by: 60)
        }
        throw DemoError("the canary did not reach \(until.map(\.rawValue).sorted().joined(separator: "/")) in \(maxRuns) runs")
    }
}
