import Foundation
import KubeAPI
import Logging
import Resources
import Sandbox
import TestSupport
import Testing

@testable import gitcanary

/// Every directory of examples/ played through `gitcanary demo`'s own story (`DemoWorld` + `DemoPlay`) on an
/// in-process Sandbox with a stepped clock: v1 initialized, v2 promoted (canary steps, or blue/green and A/B
/// iterations), v3 (80% successes) rolled back; the final state read back from the Sandbox (and with kubectl when
/// it is installed).
@Suite("examples")
struct ExamplesPlayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the demo's example list is every directory of examples/")
    func everyExample() throws {
        let dirs = try FileManager.default.contentsOfDirectory(atPath: Self.root.path + "/examples").filter { d in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: Self.root.path + "/examples/" + d, isDirectory: &isDir) && isDir.boolValue
        }
        #expect(Set(dirs) == Set(DemoWorld.examples))
    }

    /// The example's Canary, as Git holds it.
    static func canary(_ example: String) throws -> Canary {
        let text = try String(contentsOfFile: root.path + "/examples/\(example)/canary.yaml", encoding: .utf8)
        let manifest = try #require(try ManifestDecoder().decode(yaml: text, file: "canary.yaml").first { $0.kind == "Canary" })
        return try Canary(manifest: manifest)
    }

    @Test("gitcanary demo --example plays v1 initialized, v2 promoted, v3 rolled back", arguments: DemoWorld.examples)
    func play(_ example: String) async throws {
        let harness = try SandboxHarness()
        defer { harness.stop() }
        let start = Date(timeIntervalSince1970: 1_900_000_020)
        harness.sandbox.setClock(start, freeze: true)
        let logger = Logger(label: "demo", factory: { _ in SwiftLogNoOpLogHandler() })
        let world = try DemoWorld.make(project: Self.root.path, example: example, sandbox: harness.sandbox, logger: logger)
        defer { try? FileManager.default.removeItem(atPath: world.directory) }
        let acts = try await DemoPlay(world: world, start: start, output: { _ in }).play()
        #expect(acts.map { $0.runs.last?.phase } == [.initialized, .succeeded, .failed], "\(acts.map(\.runs))")

        let canary = try Self.canary(example)
        let analysis = try #require(canary.spec.analysis)
        let v2 = acts[1].runs
        if let step = analysis.stepWeight, let max = analysis.maxWeight {
            // Canary: every step up to maxWeight was taken.
            let expected = Array(stride(from: step, through: max, by: step))
            #expect(expected.allSatisfy { w in v2.contains { $0.weight == w } }, "\(v2.map(\.weight))")
        } else {
            // Blue/green and A/B: all iterations ran.
            let iterations = try #require(analysis.iterations)
            #expect(v2.contains { $0.iterations == iterations }, "\(v2.map(\.iterations))")
        }
        // v3 failed the threshold's number of checks on its 80% success rate.
        let failed = acts[2].runs.filter { $0.decision.contains("success rate 80.00%") }
        #expect(failed.count == analysis.threshold ?? 0, "\(acts[2].runs.map(\.decision))")

        // The final state, read from the Sandbox.
        let ns = canary.namespace
        let status = try harness.request("GET", "/apis/flagger.app/v1beta1/namespaces/\(ns)/canaries/\(canary.name)").json["status"]
        #expect(status?["phase"] == "Failed")
        #expect(status?["canaryWeight"]?.intValue == 0)
        let target = canary.spec.targetRef.name
        if canary.spec.targetRef.kind == "Service" {
            // Knative: the primary revision is v2's; the latest (v3) gets no traffic.
            let service = try harness.request("GET", "/apis/serving.knative.dev/v1/namespaces/\(ns)/services/\(target)").json
            #expect(service["metadata", "annotations", "flagger.app/primary-revision"] == .string("\(target)-00002"))
            let traffic = service["spec", "traffic"]?.arrayValue ?? []
            #expect(traffic.contains { $0["revisionName"] == .string("\(target)-00002") && $0["percent"]?.intValue == 100 }, "\(traffic)")
            #expect(!traffic.contains { $0["latestRevision"] == true && ($0["percent"]?.intValue ?? 0) > 0 }, "\(traffic)")
        } else {
            let path = "/apis/apps/v1/namespaces/\(ns)/deployments/"
            let primary = try harness.request("GET", path + target + "-primary").json
            #expect(primary["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "ghcr.io/stefanprodan/podinfo:6.7.1")
            #expect(try harness.request("GET", path + target).json["spec", "replicas"]?.intValue == 0)
        }
        if let kubectl = KubectlTool.detect() {
            let r = try harness.kubectl(kubectl, ["get", "canary", canary.name, "-n", ns, "-o", "jsonpath={.status.phase} {.status.canaryWeight}"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == "Failed 0")
        }
    }
}
