import Foundation
import Resources
import Testing

/// The fault harness: each release fault-free, then killed after its k-th write, with seeded random faults, with a
/// seeded late/doubled/skipped schedule, and with overlapping runs; the invariants hold after every run and the
/// final state equals the fault-free run's. In CI a few cases per release; `scripts/fault-harness` plays every k and
/// GITCANARY_FAULT_CASES seeds of each kind.
@Suite("Fault harness")
struct FaultHarnessTests {
    /// The fault-free run of a release: its final state, how many mutating requests it made and its progress path.
    static func baseline(_ release: FaultHarness.Release) async throws -> (FaultHarness.FinalState, Int, [FaultInvariants.Progress]) {
        let h = try FaultHarness(release: release)
        defer { h.stop() }
        try await h.prepare()
        let state = try await h.play(faulty: [])
        #expect(h.invariants.violations.isEmpty, "\(release) fault-free: \(h.invariants.violations)")
        #expect(h.reportErrors.isEmpty, "\(release) fault-free: \(h.reportErrors)")
        return (state, h.harness.sandbox.requestCounts.mutating, h.invariants.path)
    }

    static func cases() -> Int {
        Int(ProcessInfo.processInfo.environment["GITCANARY_FAULT_CASES"] ?? "") ?? 0
    }

    @Test("kills at the k-th write, random faults with hangs, late/doubled/skipped runs, overlapping runs",
          arguments: FaultHarness.Release.allCases)
    func release(_ release: FaultHarness.Release) async throws {
        let (expected, writes, path) = try await Self.baseline(release)
        #expect(expected.phase == release.settledPhase, "\(expected)")
        #expect(writes > 10)
        if release == .configChange {
            #expect(expected.primaryConfig == "2" && expected.primaryImage == "example/a:v2", "\(expected)")
            #expect(path.contains { $0.phase == "Progressing" && $0.weight == 10 }, "\(path)")
        }
        let long = Self.cases() > 0
        let index = FaultHarness.Release.allCases.firstIndex(of: release) ?? 0
        var figures = FaultFigures()
        func play(_ faulty: [FaultHarness.Faults], killAtWrite: Int? = nil, overlap: Int = 1, schedule: UInt64? = nil,
                  label: String) async throws {
            let h = try FaultHarness(release: release)
            defer { h.stop() }
            h.invariants.reference = path
            try await h.prepare()
            let state = try await h.play(
                faulty: faulty, killAtWrite: killAtWrite, overlap: overlap, schedule: schedule.map { FaultSchedule(seed: $0) })
            #expect(h.invariants.violations.isEmpty, "\(release) \(label): \(h.invariants.violations)")
            #expect(state == expected, "\(release) \(label): \(state) ≠ fault-free \(expected)")
            if killAtWrite != nil { #expect(h.kills == 1, "\(release) \(label): the kill did not happen") }
            figures.add(h, mismatch: state != expected)
        }
        // Kills: the long run every k (odd k on a seeded schedule, even k on time); CI one k per release, spread over
        // the scenarios, on a seeded schedule.
        if long {
            for k in 0..<writes {
                let schedule = k % 2 == 1 ? UInt64(k) &+ UInt64(index) &* 7919 &+ 9000 : nil
                try await play([], killAtWrite: k, schedule: schedule,
                               label: "killed after write \(k)" + (schedule.map { ", schedule seed \($0)" } ?? ""))
            }
        } else {
            let k = writes * (index + 1) / (FaultHarness.Release.allCases.count + 1)
            try await play([], killAtWrite: k, schedule: UInt64(index), label: "killed after write \(k), schedule seed \(index)")
        }
        // Random faults, schedules and overlapping runs: the long run GITCANARY_FAULT_CASES seeds of random faults on a
        // seeded schedule, as many schedules alone, and two and three overlapping runs per step; CI one play with
        // random faults and two or three overlapping runs per step.
        for seed in 0..<(long ? Self.cases() : 1) {
            let s = UInt64(seed) &+ UInt64(index) &* 7919
            let random: [FaultHarness.Faults] = [.random(rate: 0.2, seed: s), .random(rate: 0.2, seed: s &+ 1000)]
            if long {
                try await play(random, schedule: s, label: "random faults and schedule seed \(s)")
                try await play([], schedule: s &+ 500, label: "schedule seed \(s &+ 500)")
            } else {
                let n = 2 + index % 2
                try await play(random, overlap: n, label: "random faults seed \(s), \(n) overlapping runs per step")
            }
        }
        if long { for n in [2, 3] { try await play([], overlap: n, label: "\(n) overlapping runs per step") } }
        print(figures.line(release, baselineWrites: writes))
        print("fault harness \(release) fault-free path: \(path.map(\.description).joined(separator: " → "))")
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
        i.check(canary: canary("Initialized", 0, 0), primary: ready, target: ready, routes: [[100, 0]], now: t0, badImage: nil)
        #expect(i.violations.isEmpty)
        i.check(canary: canary("Progressing", 30, 2), primary: ready, target: ready, routes: [[70, 20]], now: t0.addingTimeInterval(60), badImage: nil)
        #expect(i.violations.count == 1)  // weights sum to 90
        i.check(canary: canary("Progressing", 30, 1), primary: ready, target: ["status": ["readyReplicas": 0]], routes: [[70, 30], [0, 100]], now: t0.addingTimeInterval(120), badImage: nil)
        #expect(i.violations.count == 4)  // failed checks decreased; traffic to an unready canary on both routes
        i.check(canary: canary("Initializing", 0, 0), primary: ["spec": ["replicas": 0, "template": ["spec": ["containers": [["image": "bad"]]]]]],
                target: ready, routes: [[100, 0]], now: t0.addingTimeInterval(180), badImage: "bad")
        #expect(i.violations.count == 8, "\(i.violations)")  // not a §2.3 change; primary at zero serving; unready; bad image
    }

    @Test("the step invariant: one step per instant; a doubled run advances none; jumps along the fault-free path count")
    func stepsCanFail() {
        let t0 = Date(timeIntervalSince1970: 0)
        let canary = { (weight: Int) -> JSONValue in ["status": ["phase": "Progressing", "canaryWeight": .int(Int64(weight))]] }
        let initialized: JSONValue = ["status": ["phase": "Initialized"]]
        var i = FaultInvariants()
        i.check(canary: initialized, primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(-60), badImage: nil)
        i.check(canary: canary(0), primary: nil, target: nil, routes: nil, now: t0, badImage: nil)
        i.check(canary: canary(10), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        i.check(canary: canary(10), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        #expect(i.violations.isEmpty, "\(i.violations)")  // a doubled run that changes nothing
        i.check(canary: canary(20), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        #expect(i.violations.count == 1, "\(i.violations)")  // the doubled run advanced
        let path = i.path
        var j = FaultInvariants()
        j.reference = path
        j.check(canary: initialized, primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(-60), badImage: nil)
        j.check(canary: canary(0), primary: nil, target: nil, routes: nil, now: t0, badImage: nil)
        j.check(canary: canary(20), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        #expect(j.violations.count == 1, "\(j.violations)")  // two steps of the fault-free path between two checks
        // A restart (new revision mid-analysis) right after a step is allowed; an advance after it at the same instant
        // is not.
        let revision = { (weight: Int, spec: String) -> JSONValue in
            ["status": ["phase": "Progressing", "canaryWeight": .int(Int64(weight)), "lastAppliedSpec": .string(spec)]]
        }
        var k = FaultInvariants()
        k.check(canary: initialized, primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(-60), badImage: nil)
        k.check(canary: revision(0, "a"), primary: nil, target: nil, routes: nil, now: t0, badImage: nil)
        k.check(canary: revision(10, "a"), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        k.check(canary: revision(0, "b"), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        #expect(k.violations.isEmpty, "\(k.violations)")
        k.check(canary: revision(10, "b"), primary: nil, target: nil, routes: nil, now: t0.addingTimeInterval(60), badImage: nil)
        #expect(k.violations.count == 1, "\(k.violations)")
    }
}
