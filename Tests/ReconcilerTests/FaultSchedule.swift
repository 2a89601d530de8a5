import Foundation
import Sandbox
import TestSupport

/// When the scheduler starts the next run, relative to when it is due (one analysis interval after the last run).
enum RunTiming: String, CaseIterable, Sendable {
    /// On time: one interval later.
    case onTime
    /// Late: one interval plus 30 s to three more intervals later (the scheduler was slow).
    case late
    /// Doubled: a second run at the same instant as the previous one (it must not advance anything).
    case doubled
    /// Skipped: the scheduler missed one or two runs (two or three intervals later).
    case skipped
}

/// A seeded schedule: the timing of each run after the first. About 55 % on time, 15 % late, 15 % doubled and 15 %
/// skipped.
struct FaultSchedule: Sendable {
    private var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed ^ 0x5EED_0F_5C4ED) }

    /// The next run's timing and how far the clock moves before it (seconds; 0 for a doubled run).
    mutating func next(interval: TimeInterval) -> (RunTiming, TimeInterval) {
        switch rng.next() % 100 {
        case 0..<55: return (.onTime, interval)
        case 55..<70: return (.late, interval + 30 + Double(rng.next() % UInt64(3 * interval - 30)))
        case 70..<85: return (.doubled, 0)
        default: return (.skipped, interval * Double(2 + rng.next() % 2))
        }
    }
}

/// The faults a random run draws from, with the name the figures use.
enum FaultMix {
    static let actions: [(String, FaultRule.Action)] = [
        ("500", .status(500, message: nil)),
        ("503", .status(503, message: nil)),
        ("504", .status(504, message: nil)),
        ("409", .status(409, message: "the object has been modified")),
        ("reset", .reset),
        ("hang", .hang),
        ("hang-after-apply", .hangAfterApply),
    ]
}

/// Figures of a set of plays (one release), added up over the plays.
struct FaultFigures: Sendable {
    var releases = 0
    var runs = 0
    var kills = 0
    var faults: [String: Int] = [:]
    var overlappingSteps = 0
    var timings: [RunTiming: Int] = [:]
    var violations = 0
    var mismatches = 0
    var elapsed: Duration = .zero

    var injected: Int { faults.values.reduce(0, +) }

    mutating func add(_ h: FaultHarness, mismatch: Bool) {
        releases += 1
        runs += h.runs
        kills += h.kills
        faults.merge(h.injected) { $0 + $1 }
        overlappingSteps += h.overlapping
        timings.merge(h.timings) { $0 + $1 }
        violations += h.invariants.violations.count
        mismatches += mismatch ? 1 : 0
        elapsed += h.elapsed
    }

    /// One line of figures.
    func line(_ release: FaultRelease, baselineWrites: Int) -> String {
        let byType = FaultMix.actions.map { "\($0.0)=\(faults[$0.0] ?? 0)" }.joined(separator: " ")
        return "fault harness \(release): baseline \(baselineWrites) writes; releases \(releases), runs \(runs), kills \(kills), "
            + "injected faults \(injected) (\(byType)), overlapping steps \(overlappingSteps), "
            + "late \(timings[.late] ?? 0), doubled \(timings[.doubled] ?? 0), skipped \(timings[.skipped] ?? 0), "
            + "invariant violations \(violations), final-state mismatches \(mismatches); "
            + "\(elapsed.components.seconds) s in plays"
    }
}
