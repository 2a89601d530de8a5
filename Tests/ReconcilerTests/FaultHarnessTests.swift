import Foundation
import Resources
import Testing

/// The fault harness at CI size: each release fault-free, then killed after every k-th write, then with seeded
/// random faults, then with overlapping runs; the invariants hold after every run and the final state equals the
/// fault-free run's. `scripts/fault-harness` runs thousands of seeded cases (GITCANARY_FAULT_CASES).
@Suite("Fault harness", .serialized)
struct FaultHarnessTests {
    /// The fault-free run of a release: its final state and how many mutating requests it made.
    static func baseline(_ release: FaultHarness.Release) async throws -> (FaultHarness.FinalState, Int) {
        let h = try FaultHarness(release: release)
        defer { h.stop() }
        try await h.prepare()
        h.harness.sandbox.resetRequestCounts()
        let state = try await h.play(faulty: [])
        #expect(h.invariants.violations.isEmpty, "\(h.invariants.violations)")
        return (state, h.harness.sandbox.requestCounts.mutating)
    }

    static func cases() -> Int {
        Int(ProcessInfo.processInfo.environment["GITCANARY_FAULT_CASES"] ?? "") ?? 0
    }

    @Test("kill at every k-th write of the scenario; random faults; overlapping runs", arguments: FaultHarness.Release.allCases)
    func release(_ release: FaultHarness.Release) async throws {
        let (expected, writes) = try await Self.baseline(release)
        #expect(expected.phase == (release == .promotion ? "Succeeded" : "Failed"), "\(expected)")
        #expect(writes > 10)
        // CI: a spread of k over the scenario's writes; the long run (GITCANARY_FAULT_CASES): every k.
        let ks = Self.cases() > 0 ? Array(0..<writes) : [0, 3, writes / 3, writes / 2, writes - 2]
        var figures = (runs: 0, kills: 0, faults: 0, overlapping: 0, violations: 0, mismatches: 0)
        func play(_ faulty: [FaultHarness.Faults], killAtWrite: Int? = nil, overlap: Int = 1, label: String) async throws {
            let h = try FaultHarness(release: release)
            defer { h.stop() }
            try await h.prepare()
            let state = try await h.play(faulty: faulty, killAtWrite: killAtWrite, overlap: overlap)
            #expect(h.invariants.violations.isEmpty, "\(release) \(label): \(h.invariants.violations)")
            #expect(state == expected, "\(release) \(label): \(state) ≠ fault-free \(expected)")
            if killAtWrite != nil { #expect(h.kills == 1, "\(release) \(label): the kill did not happen") }
            figures.runs += h.runs
            figures.kills += h.kills
            figures.faults += h.injected + h.kills
            figures.overlapping += h.overlapping
            figures.violations += h.invariants.violations.count
            figures.mismatches += state == expected ? 0 : 1
        }
        for k in ks { try await play([], killAtWrite: k, label: "killed after write \(k)") }
        let seeds = Self.cases() > 0 ? Self.cases() : 1
        for seed in 0..<seeds {
            try await play([.random(rate: 0.2, seed: UInt64(seed)), .random(rate: 0.2, seed: UInt64(seed) &+ 1000)],
                           label: "random faults seed \(seed)")
        }
        try await play([], overlap: 2, label: "two overlapping runs per step")
        print("fault harness \(release): baseline \(writes) writes; runs \(figures.runs), kills \(figures.kills), injected faults \(figures.faults), overlapping steps \(figures.overlapping), invariant violations \(figures.violations), final-state mismatches \(figures.mismatches)")
    }

    @Test("the invariant checker catches each violation it names")
    func invariantsCanFail() {
        let canary = { (phase: String, weight: Int, failed: Int) -> JSONValue in
            ["status": ["phase": .string(phase), "canaryWeight": .int(Int64(weight)), "failedChecks": .int(Int64(failed))]]
        }
        let ready: JSONValue = ["spec": ["replicas": 1, "template": ["spec": ["containers": [["image": "example/a:v1"]]]]],
                                "status": ["readyReplicas": 1]]
        let t0 = Date(timeIntervalSince1970: 0)
        var i = FaultInvariants()
        i.check(canary: canary("Initialized", 0, 0), primary: ready, target: ready, routeWeights: [100, 0], now: t0, badImage: nil)
        #expect(i.violations.isEmpty)
        i.check(canary: canary("Progressing", 30, 2), primary: ready, target: ready, routeWeights: [70, 20], now: t0.addingTimeInterval(60), badImage: nil)
        #expect(i.violations.count == 2)  // weights sum to 90; +30 in one interval
        i.check(canary: canary("Progressing", 30, 1), primary: ready, target: ["status": ["readyReplicas": 0]], routeWeights: [70, 30], now: t0.addingTimeInterval(120), badImage: nil)
        #expect(i.violations.count == 4)  // failed checks decreased; traffic to an unready canary
        i.check(canary: canary("Initializing", 0, 0), primary: ["spec": ["replicas": 0, "template": ["spec": ["containers": [["image": "bad"]]]]]],
                target: ready, routeWeights: [100, 0], now: t0.addingTimeInterval(180), badImage: "bad")
        #expect(i.violations.count == 8, "\(i.violations)")  // not a §2.3 change; primary at zero serving; unready; bad image
    }
}
