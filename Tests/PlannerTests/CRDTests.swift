import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// deploy/crds: the Canary CRD is a superset of Flagger's; GitCanary's status survives it, and the pruning by
/// Flagger's own CRD is detected.
@Suite struct CRDTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func schema(_ path: String) throws -> JSONValue {
        let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        let manifests = try ManifestDecoder().decode(yaml: text, file: path)
        let crd = try #require(manifests.first { $0.kind == "CustomResourceDefinition" })
        let version = try #require(crd.object["spec", "versions"]?.arrayValue?.first)
        return try #require(version["schema", "openAPIV3Schema"])
    }

    /// A status with every GitCanary field set, from a scenario that rolled back once.
    static func fullStatus() async -> CanaryStatus {
        let s = PlannerScenario { c in c.spec.analysis?.threshold = 1 }
        await s.initialize()
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        s.probe.script(metric: "request-success-rate", default: .fail)
        for _ in 0..<5 where s.phase != .failed { await s.run() }
        return s.cluster.canary.status ?? CanaryStatus()
    }

    @Test func statusConformsToOurCRD() async throws {
        let schema = try Self.schema(Self.repo.appendingPathComponent("deploy/crds/canaries.flagger.app.yaml").path)
        let status = await Self.fullStatus()
        #expect(status.failedRevision != nil && status.checks?.isEmpty == false && status.counters != nil)
        let json = try JSONCoding.encode(status)
        let problems = StructuralSchemaChecker.problems(json, schema: schema["properties", "status"] ?? .null, path: ".status")
        #expect(problems.isEmpty, "\(problems)")
        #expect(CRDCompatibility.missingStatusFields(written: status, readBack: ["status": json]).isEmpty)
    }

    @Test func flaggerCRDPrunesOurFieldsAndWeSayWhatToApply() async throws {
        let schema = try Self.schema(Self.repo.appendingPathComponent("Tests/PlannerTests/Fixtures/flagger-canaries-crd.yaml").path)
        let status = await Self.fullStatus()
        let json = try JSONCoding.encode(status)
        let problems = StructuralSchemaChecker.problems(json, schema: schema["properties", "status"] ?? .null, path: ".status")
        #expect(problems.contains(".status.revision: unknown field (would be pruned)"))
        // What an API server with Flagger's CRD returns: the unknown fields dropped.
        var pruned = json
        for f in CRDCompatibility.extensionFields { pruned[f] = nil }
        let missing = CRDCompatibility.missingStatusFields(written: status, readBack: ["status": pruned])
        #expect(missing == ["revision", "lastStepTime", "phaseStartTime", "mirrored", "failedRevision", "checks", "counters"])
        #expect(CRDCompatibility.advice(missing: missing)?.contains("kubectl apply -f deploy/crds/canaries.flagger.app.yaml") == true)
    }

    @Test func specFieldsOfTheSupersetIncludeOnNoData() throws {
        let schema = try Self.schema(Self.repo.appendingPathComponent("deploy/crds/canaries.flagger.app.yaml").path)
        let metric = schema["properties", "spec", "properties", "analysis", "properties", "metrics", "items"] ?? .null
        #expect(StructuralSchemaChecker.problems(["name": "error-rate", "onNoData": "hold"], schema: metric).isEmpty)
        #expect(!StructuralSchemaChecker.problems(["name": "error-rate", "onNoData": "maybe"], schema: metric).isEmpty)
    }
}

/// With only Flagger's CRD installed, GitCanary's status fields are pruned: the engine degrades to Flagger's own
/// fields (gating on lastTransitionTime) instead of misbehaving, and the caller can tell the user what to apply.
@Suite struct PrunedStatusTests {
    @Test func releaseStillProgressesOneStepPerInterval() async {
        let s = PlannerScenario()
        s.cluster.pruneGitCanaryStatus = true
        await s.initialize()
        #expect(s.phase == .initialized)
        #expect(s.cluster.canary.status?.revision == nil)
        let idle = await s.run()
        #expect(idle.decision.hasPrefix("idle"))
        s.cluster.setImage("podinfo", "podinfo:6.0.1")
        await s.run()
        await s.run()
        #expect(s.weight == 10)
        s.now = s.now.addingTimeInterval(-30)
        let early = await s.run(advance: 30)
        #expect(early.decision.hasPrefix("not due"))
        #expect(early.isQuiet)
        var weights: [Int] = []
        for _ in 0..<10 where s.phase != .succeeded {
            let p = await s.run()
            #expect(!p.decision.contains("adopt"))
            weights.append(s.weight)
        }
        #expect(weights == [20, 30, 40, 50, 50, 0, 0])
        #expect(s.phase == .succeeded)
    }
}
