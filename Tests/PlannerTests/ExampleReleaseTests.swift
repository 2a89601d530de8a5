import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// A whole release of the repository's own example (examples/podinfo-istio), decoded from its YAML.
@Suite struct ExampleReleaseTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/podinfo-istio")

    @Test func podinfoIstioRelease() async throws {
        var manifests: [Manifest] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).sorted() where file.hasSuffix(".yaml") {
            let text = try String(contentsOf: Self.dir.appendingPathComponent(file), encoding: .utf8)
            manifests += try ManifestDecoder().decode(yaml: text, file: file)
        }
        let canaryManifest = try #require(manifests.first { $0.kind == "Canary" })
        let canary = try Canary(manifest: canaryManifest)
        let objects = manifests.filter { $0.kind != "Canary" }.map(\.object)
        let s = PlannerScenario(canary: canary, objects: objects)
        await s.initialize()
        #expect(s.phase == .initialized)
        #expect(s.cluster.object("HorizontalPodAutoscaler", "podinfo-primary") != nil)
        #expect(s.cluster.object("VirtualService", "podinfo")?["spec", "hosts"] == ["podinfo.test.svc.cluster.local", "podinfo"])
        var image = try #require(s.cluster.object("Deployment", "podinfo")?["spec", "template", "spec", "containers"]?
            .arrayValue?.first?["image"]?.stringValue)
        image += "-next"
        s.cluster.setImage("podinfo", image)
        s.revision = GitRevision(commit: PlannerFixtures.commitB, ref: "main")
        var weights: [Int] = []
        for _ in 0..<12 where s.phase != .succeeded {
            let p = await s.run()
            #expect(!p.decision.isEmpty)
            weights.append(s.weight)
        }
        #expect(weights == [0, 10, 20, 30, 40, 50, 50, 0, 0])
        #expect(s.phase == .succeeded)
        #expect(s.cluster.canary.status?.revision?.commit == PlannerFixtures.commitB)
        #expect(s.probe.hookCalls.first == "pre-rollout:acceptance-test@Progressing")
        #expect(s.probe.calls.filter { $0.kind == "metric" }.map(\.name).prefix(3) ==
            ["request-success-rate", "request-duration", "not-found-percentage"])
    }
}
