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
