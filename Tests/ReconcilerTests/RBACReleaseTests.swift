import Foundation
import Resources
import Testing

/// Least privilege, enforced: whole releases run on an RBAC-mode Sandbox as deploy/cronjob's service account
/// (`gitcanary-system/gitcanary`) with exactly deploy/cronjob/rbac.yaml and sync-rbac.yaml (the removal of each rule
/// is in ``RBACRuleRemovalTests``).
@Suite("Releases under deploy/cronjob's RBAC", .serialized)
struct RBACReleaseTests {
    @Test("promotion, rollback and a mid-analysis config change as the service account reach the fault-free final state",
          arguments: [FaultHarness.Release.promotion, .rollback, .configChange])
    func release(_ release: FaultHarness.Release) async throws {
        let (expected, _, _) = try await FaultHarnessTests.baseline(release)
        let h = try FaultHarness(release: release, rbac: true)
        defer { h.stop() }
        try await h.prepare()
        let state = try await h.play(faulty: [])
        #expect(h.reportErrors.isEmpty, "\(h.reportErrors)")
        #expect(h.invariants.violations.isEmpty, "\(h.invariants.violations)")
        #expect(state == expected, "\(state) ≠ \(expected)")
    }
}
