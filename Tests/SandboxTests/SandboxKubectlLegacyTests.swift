import Foundation
import Resources
import Testing
import TestSupport

/// kubectl 1.20 (Debian's `kubernetes-client`, unpacked by scripts/setup) against the Sandbox: the discovery
/// documents and the client-side apply path it takes differ from current kubectl's.
@Suite("Sandbox: kubectl 1.20")
struct SandboxKubectlLegacyTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let tool = KubectlTool.detectLegacy(packageRoot: packageRoot)

    @Test("discovery, create, client-side apply and re-apply, get -o json, delete",
          .enabled(if: tool != nil, "kubectl 1.20 not unpacked (scripts/setup does it)"))
    func legacyKubectl() throws {
        let tool = try #require(Self.tool)
        #expect(tool.minor == 20, "\(tool.gitVersion)")
        let h = try SandboxHarness()
        defer { h.stop() }
        let resources = try h.kubectl(tool, ["api-resources"])
        #expect(resources.status == 0, "\(resources.stderr)")
        #expect(resources.stdout.contains("deployments") && resources.stdout.contains("deploy"))
        #expect(try h.kubectl(tool, ["create", "namespace", "legacy"]).status == 0)
        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: legacy}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: "nginx:1", ports: [{containerPort: 80}]}]}
            """
        let path = try h.file("web.yaml", manifest)
        let created = try h.kubectl(tool, ["apply", "--validate=false", "-f", path])
        #expect(created.status == 0 && created.stdout.contains("deployment.apps/web created"), "\(created.stderr)")
        _ = try h.file("web.yaml", manifest.replacingOccurrences(of: "nginx:1", with: "nginx:2"))
        let configured = try h.kubectl(tool, ["apply", "--validate=false", "-f", path])
        #expect(configured.status == 0 && configured.stdout.contains("configured"), "\(configured.stderr)")
        let got = try h.kubectl(tool, ["-n", "legacy", "get", "deployment", "web", "-o", "json"])
        let object = try JSONParser.parse(got.stdout)
        #expect(object["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "nginx:2")
        #expect(object["status", "readyReplicas"] == 2)
        #expect(object["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"] != nil)
        let deleted = try h.kubectl(tool, ["-n", "legacy", "delete", "deployment", "web"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let gone = try h.kubectl(tool, ["-n", "legacy", "get", "deployment", "web"])
        #expect(gone.status != 0 && gone.stderr.contains("NotFound"))
    }
}
