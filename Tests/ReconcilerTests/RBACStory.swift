import Foundation
import KubeAPI
import Logging
import Reconciler
import Resources
import Sandbox
import TestSupport
import Testing

@testable import gitcanary

/// A story of `gitcanary demo` (an example of examples/, or a variant of one) played as deploy/cronjob's service
/// account (`gitcanary-system/gitcanary`) on an RBAC-mode Sandbox. The cluster admin installs what the service
/// account may not: the CRDs (Flagger's, the example's, the variant's) and deploy/cronjob's namespace.yaml,
/// rbac.yaml and sync-rbac.yaml — optionally without one rule. Git holds the rest of the example.
final class RBACStory: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.path + "/Tests/ReconcilerTests/Fixtures/crds/"

    /// The stories: every example, plus `keda` (podinfo-istio autoscaled by a KEDA ScaledObject instead of its
    /// HPA) and `serviceaccount` (demo-istio with a ServiceAccount in Git).
    static let stories = DemoWorld.examples + ["keda", "serviceaccount"]

    let story: String
    let harness: SandboxHarness
    let world: DemoWorld
    let admin: KubeClient
    /// Every problem the runs reported: run errors, failed sync entries, the inventory's error, canary errors and
    /// warnings (failed effects such as Events).
    private(set) var messages: [String] = []
    private(set) var runs = 0
    private(set) var phase: CanaryPhase?
    private var released = false

    init(_ story: String, without removed: RBACRule? = nil) async throws {
        self.story = story
        harness = try SandboxHarness(rbac: true)
        do {
            harness.sandbox.setClock(Date(timeIntervalSince1970: 1_900_000_020), freeze: true)
            let logger = Logger(label: "rbac", factory: { _ in SwiftLogNoOpLogHandler() })
            let example = story == "keda" ? "podinfo-istio" : story == "serviceaccount" ? "demo-istio" : story
            world = try DemoWorld.make(project: Self.root.path, example: example, sandbox: harness.sandbox, logger: logger)
            let credentials: KubeCredentials = harness.sandbox.adminToken.map { .token(Redacted($0)) } ?? .none
            admin = KubeClient(
                configuration: KubeClientConfiguration(server: harness.sandbox.apiURL, credentials: credentials), http: try CurlHTTPClient())
            try await install(without: removed)
        } catch {
            harness.stop()
            throw error
        }
    }

    func stop() {
        try? FileManager.default.removeItem(atPath: world.directory)
        harness.stop()
    }

    /// Moves the CRDs out of the repository into the cluster (as the admin), adds the story's changes, installs
    /// deploy/cronjob's RBAC (without `removed`) and points the world's kubeconfig at a service-account token.
    private func install(without removed: RBACRule?) async throws {
        let fm = FileManager.default
        var adminFiles: [String] = []
        for dir in ["crds-flagger", "crds", "crds-istio"] where fm.fileExists(atPath: world.repo + "/" + dir) {
            let text = try fm.contentsOfDirectory(atPath: world.repo + "/" + dir).sorted().map {
                try String(contentsOfFile: world.repo + "/" + dir + "/" + $0, encoding: .utf8)
            }
            adminFiles += text
            try fm.removeItem(atPath: world.repo + "/" + dir)
        }
        try storyChanges(&adminFiles)
        try DemoWorld.commit(world.repo, "v1 without CRDs")
        for file in ["namespace.yaml", "rbac.yaml", "sync-rbac.yaml"] {
            adminFiles.append(try String(contentsOfFile: Self.root.path + "/deploy/cronjob/" + file, encoding: .utf8))
        }
        var removedCount = 0
        for text in adminFiles {
            for m in try ManifestDecoder().decode(yaml: text, file: "admin.yaml") where m.kind != "Kustomization" {
                var object = m.object
                if let removed, m.kind == removed.kind, m.name == removed.name, let rules = object["rules"]?.arrayValue {
                    let kept = rules.filter { !removed.matches($0) }
                    removedCount += rules.count - kept.count
                    object["rules"] = .array(kept)
                }
                let mapping = try await admin.mapping(apiVersion: m.apiVersion, kind: m.kind)
                _ = try await admin.create(mapping, namespace: m.namespace.isEmpty ? nil : m.namespace, object: object)
            }
        }
        if let removed, removedCount != 1 { throw TestSupportError("\(removed.id): \(removedCount) rules removed, not 1") }
        let token = harness.sandbox.issueToken(namespace: "gitcanary-system", serviceAccount: "gitcanary")
        try Data(harness.sandbox.kubeconfig(bearerToken: token).utf8).write(to: URL(fileURLWithPath: world.kubeconfig))
    }

    /// The variants' changes to the example (CRDs they need go to `adminFiles`).
    private func storyChanges(_ adminFiles: inout [String]) throws {
        let repo = world.repo
        switch story {
        case "keda":
            adminFiles.append(try String(contentsOfFile: Self.fixtures + "keda-scaledobject-crd.yaml", encoding: .utf8))
            try FileManager.default.removeItem(atPath: repo + "/hpa.yaml")
            try Self.scaledObject.write(toFile: repo + "/scaledobject.yaml", atomically: true, encoding: .utf8)
            let canary = try String(contentsOfFile: repo + "/canary.yaml", encoding: .utf8)
            let hpa = "apiVersion: autoscaling/v2\n    kind: HorizontalPodAutoscaler\n    name: podinfo"
            guard canary.contains(hpa) else { throw TestSupportError("podinfo-istio's canary has no HPA autoscalerRef") }
            try canary.replacingOccurrences(of: hpa, with: "apiVersion: keda.sh/v1alpha1\n    kind: ScaledObject\n    name: podinfo")
                .write(toFile: repo + "/canary.yaml", atomically: true, encoding: .utf8)
        case "serviceaccount":
            try "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: podinfo\n  namespace: demo\n"
                .write(toFile: repo + "/serviceaccount.yaml", atomically: true, encoding: .utf8)
        default:
            break
        }
    }

    static let scaledObject = """
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata:
          name: podinfo
          namespace: test
        spec:
          scaleTargetRef:
            name: podinfo
          minReplicaCount: 2
          maxReplicaCount: 4
          triggers:
            - type: prometheus
              metadata:
                serverAddress: http://prometheus.istio-system:9090
                threshold: "100"
                query: sum(rate(http_requests_total{app="podinfo"}[1m]))

        """

    /// One reconcile run as the service account; records its problems and steps the clock one minute.
    @discardableResult
    func run() async throws -> RunReport {
        let report = try await world.run()
        runs += 1
        messages += report.errors
        if let cs = report.changeSet {
            messages += cs.entries.filter { $0.action == .failed }.map(\.description)
            if let e = cs.inventoryError { messages.append(e) }
        }
        for c in report.canaries {
            if let e = c.error { messages.append(e) }
            messages += c.warnings
        }
        phase = report.canaries.first?.phaseAfter ?? phase
        harness.sandbox.advanceClock(by: 60)
        return report
    }

    /// Commits v2 (a new image) once the canary is initialized.
    func releaseIfInitialized() throws {
        guard !released, phase == .initialized else { return }
        let file = try world.targetFile(containing: DemoPlay.images[0])
        try world.change(file, [(DemoPlay.images[0], DemoPlay.images[1])], message: "v2")
        released = true
    }

    /// Runs (releasing v2 once initialized) until `done` holds, at most `maxRuns` runs; returns whether it held.
    func play(maxRuns: Int, until done: (RBACStory) -> Bool) async throws -> Bool {
        for _ in 0..<maxRuns {
            try await run()
            if done(self) { return true }
            try releaseIfInitialized()
        }
        return false
    }
}
