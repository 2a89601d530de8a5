import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// The worked timelines of flagger-behaviour.md §2.10 and the scenarios of §9 that need only the Istio router.
@Suite struct TimelineTests {
    /// Runs until the phase is one of `stop` or `limit` runs, recording (phase, weight) after each run.
    static func trace(_ s: PlannerScenario, limit: Int = 20, stop: Set<CanaryPhase> = [.succeeded, .failed]) async
        -> [String] {
        var out: [String] = []
        for _ in 0..<limit {
            await s.run()
            out.append("\(s.phase.rawValue) \(s.weight)")
            if stop.contains(s.phase) { break }
        }
        return out
    }

    @Test func stepWeight10MaxWeight50() async {
        let s = PlannerScenario()
        await s.initialize()
        #expect(s.phase == .initialized)
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let t = await Self.trace(s)
        #expect(t == ["Progressing 0", "Progressing 10", "Progressing 20", "Progressing 30", "Progressing 40",
                      "Progressing 50", "Promoting 50", "Finalising 0", "Succeeded 0"])
        let conditions = s.plans.suffix(9).compactMap { $0.statusUpdate?.conditions?.first }
        #expect(conditions.map { "\($0.reason ?? "") \($0.status)" } == [
            "Progressing Unknown", "Progressing Unknown", "Progressing Unknown", "Progressing Unknown",
            "Progressing Unknown", "Progressing Unknown", "Promoting Unknown", "Finalising Unknown", "Succeeded True",
        ])
        #expect(conditions.last?.message == "Canary analysis completed successfully, promotion finished.")
        // The condition's lastTransitionTime moves only when its status changes (Unknown → True).
        #expect(Set(conditions.dropLast().map(\.lastTransitionTime)).count == 1)
        #expect(conditions.last?.lastTransitionTime == s.plans.last?.statusUpdate?.lastTransitionTime)
        #expect(s.vsWeights! == (100, 0))
        #expect(s.targetReplicas == 0)
        let primaryImage = s.cluster.object("Deployment", "podinfo-primary")?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]
        #expect(primaryImage == "podinfo:6.0.1")
        #expect(s.cluster.canary.status?.conditions?.first?.status == "True")
        #expect(s.cluster.canary.status?.conditions?.first?.reason == "Succeeded")
        #expect(s.cluster.canary.status?.counters?.promotions == 1)
    }

    @Test func stepWeight100WithPromotionSteps() async {
        let s = PlannerScenario { c in
            c.spec.analysis?.stepWeight = 100
            c.spec.analysis?.maxWeight = nil
            c.spec.analysis?.stepWeightPromotion = 50
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        let t = await Self.trace(s)
        #expect(t == ["Progressing 0", "Progressing 100", "Promoting 100", "Promoting 50", "Finalising 0", "Succeeded 0"])
    }

    @Test(arguments: [
        ([20], 50, [100, 80, 60, 40]),
        ([50], 100, [100, 50, 0]),
        ([1, 2, 10, 80], 0, [100, 99, 98, 90, 20]),
        ([1, 2, 10, 200], 0, [100, 99, 98, 90, 0]),
    ])
    func primaryWeightLadders(steps: [Int], maxWeight: Int, expected: [Int]) async {
        let s = PlannerScenario { c in
            if steps.count == 1 {
                c.spec.analysis?.stepWeight = steps[0]
                c.spec.analysis?.maxWeight = maxWeight
            } else {
                c.spec.analysis?.stepWeight = nil
                c.spec.analysis?.maxWeight = nil
                c.spec.analysis?.stepWeights = steps
            }
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        var primaries: [Int] = []
        for _ in 0..<12 {
            await s.run()
            if s.phase != .progressing { break }
            primaries.append(s.vsWeights?.0 ?? -1)
        }
        #expect(primaries == expected)
        #expect(s.phase == .promoting)
    }

    @Test func blueGreenOneIteration() async {
        let s = PlannerScenario { c in
            c.spec.analysis?.stepWeight = nil
            c.spec.analysis?.maxWeight = nil
            c.spec.analysis?.iterations = 1
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        var t: [String] = []
        for _ in 0..<8 {
            await s.run()
            t.append("\(s.phase.rawValue) it\(s.iterations) \(s.vsWeights.map { "\($0.0)/\($0.1)" } ?? "-")")
            if s.phase == .succeeded { break }
        }
        #expect(t == ["Progressing it0 100/0", "Progressing it1 100/0", "Progressing it2 0/100", "Promoting it2 0/100",
                      "Finalising it0 100/0", "Succeeded it0 100/0"])
    }

    @Test func mirroringFirstStepThenWeight() async {
        let s = PlannerScenario { c in c.spec.analysis?.mirror = true }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        #expect(s.vsWeights! == (100, 0))
        #expect(s.vsMirrored)
        #expect(s.cluster.canary.status?.mirrored == true)
        await s.run()
        #expect(s.vsWeights! == (90, 10))
        #expect(!s.vsMirrored)
        #expect(s.cluster.canary.status?.mirrored == false)
    }

    @Test func abTestingIterations() async {
        let s = PlannerScenario { c in
            c.spec.analysis?.stepWeight = nil
            c.spec.analysis?.maxWeight = nil
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-user-type": ["exact": "test"]]]]
        }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        let http = s.cluster.object("VirtualService", "podinfo")?["spec", "http"]?.arrayValue ?? []
        #expect(http.count == 2)
        #expect(http[0]["route"]?.arrayValue?.map { $0["weight"] } == [0, 100])
        #expect(http[1]["route"]?.arrayValue?.map { $0["weight"] } == [100])
        #expect(s.iterations == 1)
        for _ in 0..<9 { await s.run() }
        #expect(s.iterations == 10)
        await s.run()
        #expect(s.phase == .promoting)
        await s.run()
        #expect(s.phase == .finalising)
        await s.run()
        #expect(s.phase == .succeeded)
    }
}
