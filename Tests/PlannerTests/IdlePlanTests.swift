import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// ``CanaryPlan/idle``, the premise of the Reconciler's plan memo: an idle plan is the same whatever the clock, the
/// Git revision and the random values, so it may be reused while the Canary and its namespace's objects are unchanged.
@Suite("Idle plans")
struct IdlePlanTests {
    /// The plan of the scenario's state now, a month later with another commit, and a few seconds later with other
    /// random values (nothing applied).
    static func variants(_ s: PlannerScenario) async -> [CanaryPlan] {
        let (now, revision) = (s.now, s.revision)
        defer { (s.now, s.revision) = (now, revision) }
        var plans = [await s.plan()]
        s.now = now.addingTimeInterval(30 * 86_400)
        s.revision = GitRevision(commit: String(repeating: "b", count: 40), ref: "release")
        plans.append(await s.plan())
        s.now = now.addingTimeInterval(7)
        var input = s.input()
        input.random = RandomValues(flaggerID: "other-id", canaryCookie: "othercanary", primaryCookie: "otherprimary")
        plans.append(await Planner.plan(input, probe: s.probe))
        return plans
    }

    static func expectIdleAndStable(_ s: PlannerScenario, _ prefix: String) async {
        let plans = await variants(s)
        #expect(plans[0].idle, "\(plans[0].decision)")
        #expect(plans[0].decision.hasPrefix(prefix), "\(plans[0].decision)")
        #expect(plans[1] == plans[0], "another time and commit: \(plans[1].decision)")
        #expect(plans[2] == plans[0], "other random values: \(plans[2].decision)")
    }

    @Test("Initialized, Succeeded and Failed (rolled back) are idle, and plan the same at any time, commit and random values",
          arguments: [nil, "kubernetes"] as [String?])
    func idleStates(provider: String?) async {
        let s = PlannerScenario(provider: provider, hpa: true)
        await s.initialize()
        #expect(s.phase == .initialized)
        await Self.expectIdleAndStable(s, "idle: Initialized")

        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        for _ in 0..<40 where s.phase != .succeeded { await s.run() }
        #expect(s.phase == .succeeded)
        await Self.expectIdleAndStable(s, "idle: Succeeded")

        s.cluster.setImage("podinfo", "podinfo:6.0.2")
        s.probe.script(metric: "request-success-rate", default: .fail)
        for _ in 0..<40 where s.phase != .failed { await s.run() }
        #expect(s.phase == .failed)
        await Self.expectIdleAndStable(s, "idle: Failed")
    }

    @Test("a suspended canary is idle; a canary in an analysis is not (its next step depends on the clock)")
    func suspendedAndActive() async {
        let suspended = PlannerScenario { $0.spec.suspend = true }
        await Self.expectIdleAndStable(suspended, "suspended")

        let active = PlannerScenario()
        await active.initialize()
        active.cluster.setImage("podinfo", "podinfo:6.0.1")
        await active.run(advance: 5)
        #expect(active.phase == .progressing)
        let notDue = await active.plan()
        #expect(notDue.decision.hasPrefix("not due"), "\(notDue.decision)")
        #expect(!notDue.idle)
        active.now = active.now.addingTimeInterval(3_600)
        let due = await active.plan()
        #expect(!due.idle)
        #expect(due != notDue)
    }
}
