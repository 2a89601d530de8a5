import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Canaries whose target or tracked configuration is missing or unusable: the plan is blocked with a decision
/// that names the object, and writes nothing for that canary.
@Suite("Hostile canaries (planner)")
struct HostilePlannerTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Case: Sendable {
        var input: String
        var canary: Canary
        var objects: [JSONValue]
        var expected: String
    }

    static var cases: [Case] {
        let configs = PlannerFixtures.configs()
        var noSelector = PlannerFixtures.podinfo(selectorLabel: "tier")
        noSelector.set("podinfo", at: ["metadata", "name"])
        var onDelete = PlannerFixtures.podinfo(kind: "DaemonSet")
        onDelete.set("OnDelete", at: ["spec", "updateStrategy", "type"])
        return [
            Case(input: "Canary whose target Deployment is missing", canary: PlannerFixtures.canary(), objects: configs,
                 expected: "deployment podinfo.default get query error: not found"),
            Case(input: "Canary whose target DaemonSet is missing", canary: PlannerFixtures.canary(kind: "DaemonSet"),
                 objects: configs, expected: "daemonset podinfo.default get query error: not found"),
            Case(input: "target without any of the selector labels", canary: PlannerFixtures.canary(),
                 objects: [noSelector] + configs, expected: "selector labels app,name,app.kubernetes.io/name not found in deployment podinfo.default"),
            Case(input: "DaemonSet target with updateStrategy OnDelete", canary: PlannerFixtures.canary(kind: "DaemonSet"),
                 objects: [onDelete] + configs, expected: "daemonset podinfo.default must have RollingUpdate strategy but have OnDelete"),
            Case(input: "target mounting a ConfigMap that is missing", canary: PlannerFixtures.canary(),
                 objects: [PlannerFixtures.podinfo()] + configs.filter { $0["metadata", "name"] != "podinfo-config-vol" },
                 expected: "podinfo-config-vol"),
            Case(input: "target referencing a Secret that is missing", canary: PlannerFixtures.canary(),
                 objects: [PlannerFixtures.podinfo()] + configs.filter { $0["metadata", "name"] != "podinfo-secret-env" },
                 expected: "podinfo-secret-env"),
        ]
    }

    @Test("each case is blocked with a decision naming the object, and writes nothing")
    func table() async throws {
        var records: [HostileInputRecord] = []
        for c in Self.cases {
            let scenario = PlannerScenario(canary: c.canary, objects: c.objects)
            let plan = await scenario.plan()
            #expect(plan.decision.contains(c.expected), "\(c.input): \(plan.decision)")
            #expect(plan.changes.isEmpty, "\(c.input): \(plan.changes.map(\.reason))")
            // Only the canary's own status may change (it records when the block turns into a failure).
            #expect(plan.writes.allSatisfy { $0.intent == .assert }, "\(c.input): \(plan.writes.map(\.reason))")
            records.append(HostileInputRecord(input: c.input, error: "podinfo.default: \(plan.decision)"))
        }
        try HostileInputDoc.record(section: "planner", title: "Canaries the planner cannot work on (plan decision)",
                                   packageRoot: Self.packageRoot, records)
    }
}
