import Foundation
import GitSource
import KubeAPI
import Logging
import Reconciler
import Resources
import Sandbox
import Synchronization
import TestSupport
import Testing

@testable import gitcanary

/// A story of `gitcanary demo` (an example of examples/, or a variant of one) played as deploy/cronjob's service
/// account (`gitcanary-system/gitcanary`) on an RBAC-mode Sandbox. The cluster admin installs what the service
/// account may not: the CRDs (Flagger's, the example's, the variant's) and deploy/cronjob's namespace.yaml,
/// rbac.yaml and sync-rbac.yaml — optionally without one rule, or without one verb of a rule. Git holds the rest of
/// the example. The story: v1 initialized, then v2 (a new image) released; a `prune:` story runs with `--prune` and,
/// once v1 is initialized, removes every file but the namespace from Git instead.
final class RBACStory: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.path + "/Tests/ReconcilerTests/Fixtures/crds/"

    /// The stories: every example, plus `keda` (podinfo-istio autoscaled by a KEDA ScaledObject instead of its
    /// HPA), `extras` (demo-istio with a ServiceAccount, a Service and a Secret in Git) and `gloo-upstream` (gloo
    /// with `spec.upstreamRef` naming an Upstream in Git).
    static let stories = DemoWorld.examples + ["keda", "extras", "gloo-upstream"]

    /// The example a story starts from.
    static func example(of story: String) -> String {
        switch story {
        case "keda": "podinfo-istio"
        case "extras": "demo-istio"
        case "gloo-upstream": "gloo"
        default: story
        }
    }

    let story: String
    let harness: SandboxHarness
    let world: DemoWorld
    let admin: KubeClient
    /// Every problem the runs reported: run errors, failed sync entries, the inventory's error, canary errors and
    /// warnings (failed effects such as Events).
    private(set) var messages: [String] = []
    private(set) var runs = 0
    /// Objects the sync's prune deleted.
    private(set) var pruned = 0
    private(set) var phase: CanaryPhase?
    /// Whether the story has released (v2 committed, or the objects removed from Git).
    private(set) var hasReleased = false
    /// `prune:<story>`: runs with `--prune`; the release removes the example's objects from Git.
    let prune: Bool

    /// `removed`: the rule left out of the RBAC installed; with `verb`, only that verb of it.
    init(_ name: String, without removed: RBACRule? = nil, verb: String? = nil) async throws {
        prune = name.hasPrefix("prune:")
        story = prune ? String(name.dropFirst("prune:".count)) : name
        harness = try SandboxHarness(rbac: true)
        do {
            harness.sandbox.setClock(Date(timeIntervalSince1970: 1_900_000_020), freeze: true)
            let logger = Logger(label: "rbac", factory: { _ in SwiftLogNoOpLogHandler() })
            world = try DemoWorld.make(project: Self.root.path, example: Self.example(of: story), sandbox: harness.sandbox, logger: logger)
            let credentials: KubeCredentials = harness.sandbox.adminToken.map { .token(Redacted($0)) } ?? .none
            admin = KubeClient(
                configuration: KubeClientConfiguration(server: harness.sandbox.apiURL, credentials: credentials), http: try CurlHTTPClient())
            try await install(without: removed, verb: verb)
        } catch {
            harness.stop()
            throw error
        }
    }

    func stop() {
        try? FileManager.default.removeItem(atPath: world.directory)
        harness.stop()
    }

    /// Takes the CRDs out of the repository and installs them (from their sources, as the admin), adds the story's
    /// changes, installs deploy/cronjob's RBAC (without `removed`, or without its `verb`) and points the world's
    /// kubeconfig at a service-account token.
    private func install(without removed: RBACRule?, verb: String?) async throws {
        let fm = FileManager.default
        // The CRDs DemoWorld copied into the repository are installed from their sources instead (decoded once).
        let example = Self.root.path + "/examples/" + Self.example(of: story)
        var crdDirectories = [Self.root.path + "/deploy/crds", example + "/crds"]
        if fm.fileExists(atPath: world.repo + "/crds-istio") { crdDirectories.append(Self.root.path + "/examples/demo-istio/crds") }
        var adminFiles: [String] = []
        for dir in crdDirectories where fm.fileExists(atPath: dir) {
            adminFiles += try fm.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted().map { dir + "/" + $0 }
        }
        for dir in ["crds-flagger", "crds", "crds-istio"] where fm.fileExists(atPath: world.repo + "/" + dir) {
            try fm.removeItem(atPath: world.repo + "/" + dir)
        }
        try storyChanges(&adminFiles)
        try DemoWorld.commit(world.repo, "v1 without CRDs")
        adminFiles += ["namespace.yaml", "rbac.yaml", "sync-rbac.yaml"].map { Self.root.path + "/deploy/cronjob/" + $0 }
        var removedCount = 0
        for file in adminFiles {
            for m in try Self.decoded(file) where m.kind != "Kustomization" {
                var object = m.object
                if let removed, m.kind == removed.kind, m.name == removed.name, let rules = object["rules"]?.arrayValue {
                    var kept: [JSONValue] = []
                    for rule in rules {
                        guard removed.matches(rule) else {
                            kept.append(rule)
                            continue
                        }
                        removedCount += 1
                        if let verb {
                            var r = rule
                            r["verbs"] = .array(removed.verbs.filter { $0 != verb }.map(JSONValue.string))
                            kept.append(r)
                        }
                    }
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

    /// The admin's files (paths) decoded once per test process (some CRD files are large, every case installs them).
    private static let decodedFiles = Mutex<[String: [Manifest]]>([:])

    static func decoded(_ path: String) throws -> [Manifest] {
        if let cached = decodedFiles.withLock({ $0[path] }) { return cached }
        let manifests = try ManifestDecoder().decode(yaml: try String(contentsOfFile: path, encoding: .utf8), file: path)
        decodedFiles.withLock { $0[path] = manifests }
        return manifests
    }

    /// The variants' changes to the example (CRDs they need go to `adminFiles`).
    private func storyChanges(_ adminFiles: inout [String]) throws {
        let repo = world.repo
        switch story {
        case "keda":
            adminFiles.append(Self.fixtures + "keda-scaledobject-crd.yaml")
            try FileManager.default.removeItem(atPath: repo + "/hpa.yaml")
            try Self.scaledObject.write(toFile: repo + "/scaledobject.yaml", atomically: true, encoding: .utf8)
            try Self.edit(repo + "/canary.yaml", "apiVersion: autoscaling/v2\n    kind: HorizontalPodAutoscaler\n    name: podinfo",
                          "apiVersion: keda.sh/v1alpha1\n    kind: ScaledObject\n    name: podinfo")
        case "extras":
            try Self.extras.write(toFile: repo + "/extras.yaml", atomically: true, encoding: .utf8)
        case "gloo-upstream":
            try Self.upstream.write(toFile: repo + "/upstream.yaml", atomically: true, encoding: .utf8)
            try Self.edit(repo + "/canary.yaml", "  provider: gloo\n", "  provider: gloo\n  upstreamRef:\n    apiVersion: gloo.solo.io/v1\n    kind: Upstream\n    name: podinfo-upstream\n")
        default:
            break
        }
    }

    /// Replaces `old` (which must be there) by `new` in a file.
    static func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains(old) else { throw TestSupportError("\(path) does not hold \(old)") }
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    static let upstream = """
        apiVersion: gloo.solo.io/v1
        kind: Upstream
        metadata:
          name: podinfo-upstream
          namespace: demo-gloo
        spec:
          connectionConfig:
            maxRequestsPerConnection: 10

        """

    static let extras = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: podinfo
          namespace: demo
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: extra
          namespace: demo
        spec:
          selector:
            app: extra
          ports:
            - port: 80
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: extra
          namespace: demo
        stringData:
          greeting: hello

        """

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
        let report = try await reconcile()
        runs += 1
        messages += report.errors
        if let cs = report.changeSet {
            messages += cs.entries.filter { $0.action == .failed }.map(\.description)
            pruned += cs.entries.filter { $0.action == .deleted }.count
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

    /// One run as `DemoWorld.run` does it, with `--prune` for a `prune:` story.
    private func reconcile() async throws -> RunReport {
        let config = try KubeConfigLoader(.init(kubeconfig: world.kubeconfig, environment: [:], homeDirectory: world.directory)).load()
        let http = try CurlHTTPClient()
        let client = KubeClient(configuration: config, http: http, logger: world.logger)
        let source = try GitSource(repository: world.repo, ref: "main", cacheDirectory: world.directory + "/cache")
        var options = ReconcileOptions(
            mode: .reconcile, defaultNamespace: "default", prune: prune, sourceName: "demo", now: harness.sandbox.now,
            leaseWait: .seconds(5), identity: "gitcanary-rbac")
        options.analysis.metricsServer = world.metricsServer
        options.definitionTimeout = .seconds(10)
        return await Reconciler(environment: ReconcileEnvironment(source: source, client: client, http: http, logger: world.logger))
            .run(options)
    }

    /// Once the canary is initialized, commits v2 (a new image), or for a `prune:` story removes every file but
    /// the namespace from Git.
    func releaseIfInitialized() throws {
        guard !hasReleased, phase == .initialized else { return }
        hasReleased = true
        guard prune else {
            let file = try world.targetFile(containing: DemoPlay.images[0])
            try world.change(file, [(DemoPlay.images[0], DemoPlay.images[1])], message: "v2")
            return
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: world.repo) where file.hasSuffix(".yaml") && file != "namespace.yaml" {
            try FileManager.default.removeItem(atPath: world.repo + "/" + file)
        }
        try DemoWorld.commit(world.repo, "v2: everything but the namespace removed")
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
