import Foundation
import Resources
import Testing

/// Least privilege, enforced: whole releases run on an RBAC-mode Sandbox as deploy/cronjob's service account
/// (`gitcanary-system/gitcanary`) with exactly deploy/cronjob/rbac.yaml and sync-rbac.yaml, and removing a rule the
/// release uses makes a step fail with kube-apiserver's message naming the missing permission.
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

    struct Removal: Sendable, CustomTestStringConvertible {
        var kind: String
        var name: String
        var namespace: String?
        var resource: String
        /// What the error must say (kube-apiserver's wording).
        var expected: String
        var testDescription: String { "\(kind) \(name) without its \(resource) rule" }
    }

    static let sa = "User \"system:serviceaccount:gitcanary-system:gitcanary\" cannot"

    @Test("a missing rule fails a step with a message naming the permission", arguments: [
        Removal(kind: "ClusterRole", name: "gitcanary-engine", resource: "canaries/status",
                expected: "resource \"canaries/status\" in API group \"flagger.app\" in the namespace \"fh\""),
        Removal(kind: "ClusterRole", name: "gitcanary-engine", resource: "virtualservices",
                expected: "resource \"virtualservices\" in API group \"networking.istio.io\" in the namespace \"fh\""),
        Removal(kind: "Role", name: "gitcanary-run", namespace: "gitcanary-system", resource: "leases",
                expected: "resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"gitcanary-system\""),
        // (gitcanary-sync-defaults' deployments rule is not in this list: gitcanary-engine grants the same verbs, so
        // removing it changes nothing for this release.)
    ])
    func removedRule(_ removal: Removal) async throws {
        let h = try FaultHarness(release: .promotion, rbac: true)
        defer { h.stop() }
        try await h.prepare()
        let removed = try await h.removeRules(kind: removal.kind, name: removal.name, namespace: removal.namespace) {
            $0["resources"]?.arrayValue?.contains(.string(removal.resource)) == true
        }
        #expect(removed >= 1)
        _ = try await h.play(faulty: [], maxRuns: 3)
        let named = h.reportErrors.filter { $0.contains(Self.sa) && $0.contains(removal.expected) }
        #expect(!named.isEmpty, "\(removal.testDescription): \(h.reportErrors)")
        #expect(try await h.phase() != "Succeeded", "the release succeeded without \(removal.resource)")
    }
}
