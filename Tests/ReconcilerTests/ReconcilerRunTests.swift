import Foundation
import GitSource
import KubeAPI
import Logging
import Planner
import Reconciler
import Resources
import Sandbox
import TestSupport
import Synchronization
import Testing

/// The Reconciler's library API on an in-process Sandbox: `--max-progressing`, a held Lease, the JSON document and
/// the metrics of a run.
@Suite("Reconciler.run")
struct ReconcilerRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Two Istio canaries (`a`, `b`) in namespace `mp`, plus the CRDs, in a temp Git repo.
    final class World: @unchecked Sendable {
        let harness: SandboxHarness
        let repo: String
        let cache: String
        init() throws {
            harness = try SandboxHarness()
            harness.sandbox.setClock(Date(timeIntervalSince1970: 1_900_000_000), freeze: true)
            repo = harness.directory + "/repo"
            cache = harness.directory + "/cache"
            let fm = FileManager.default
            try fm.createDirectory(atPath: repo + "/crds", withIntermediateDirectories: true)
            for f in ["canaries.flagger.app.yaml", "metrictemplates.flagger.app.yaml", "alertproviders.flagger.app.yaml"] {
                try fm.copyItem(atPath: root.path + "/deploy/crds/" + f, toPath: repo + "/crds/" + f)
            }
            try fm.copyItem(atPath: root.path + "/examples/demo-istio/crds/istio-minimal.yaml", toPath: repo + "/crds/istio.yaml")
            var yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: mp\n"
            for name in ["a", "b"] { yaml += Self.app(name, image: "v1") }
            try yaml.write(toFile: repo + "/apps.yaml", atomically: true, encoding: .utf8)
            try git(["init", "-q", "-b", "main"])
            try commit()
        }

        static func app(_ name: String, image: String) -> String {
            """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: mp}
            spec:
              replicas: 1
              selector: {matchLabels: {app: \(name)}}
              template:
                metadata: {labels: {app: \(name)}}
                spec: {containers: [{name: c, image: "example/\(name):\(image)"}]}
            ---
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: \(name), namespace: mp}
            spec:
              provider: istio
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: \(name)}
              service: {port: 80}
              analysis: {interval: 1m, threshold: 2, maxWeight: 20, stepWeight: 10}

            """
        }

        func git(_ args: [String]) throws {
            let r = try SandboxProcessRunner.run("/usr/bin/env", ["git", "-C", repo] + args, timeout: 30)
            #expect(r.status == 0, "\(r.stderr)")
        }
        func commit() throws {
            try git(["add", "-A"])
            try git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "change"])
        }

        /// What the last run handed to `keepUntilExit`.
        let kept = Mutex<[any Sendable]>([])

        func run(memo: PlanMemoLocation? = nil, _ configure: (inout ReconcileOptions) -> Void = { _ in }) async throws -> (RunReport, KubeClient) {
            let http = try CurlHTTPClient()
            let client = KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: http)
            let source = try GitSource(repository: repo, ref: "main", cacheDirectory: cache)
            var options = ReconcileOptions(sourceName: "mp", now: harness.sandbox.now, leaseWait: .seconds(5), identity: "test")
            options.analysis.metricsServer = harness.sandbox.prometheusURL
            options.definitionTimeout = .seconds(10)
            configure(&options)
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            var env = ReconcileEnvironment(source: source, client: client, http: http, logger: logger)
            env.planMemo = memo
            kept.withLock { $0 = [] }
            env.keepUntilExit = { [self] value in self.kept.withLock { $0.append(value) } }
            return (await Reconciler(environment: env).run(options), client)
        }

        func phases(_ report: RunReport) -> [String: String] {
            Dictionary(uniqueKeysWithValues: report.canaries.map { ($0.ref.name, $0.phaseAfter.rawValue) })
        }

        /// Runs, a minute apart, until both canaries are Initialized (at most four runs), each without errors.
        func initialize(memo: PlanMemoLocation? = nil) async throws {
            for _ in 0..<4 {
                let (r, _) = try await run(memo: memo)
                #expect(r.errors.isEmpty, "\(r.errors)")
                if phases(r).values.allSatisfy({ $0 == "Initialized" }) && r.canaries.count == 2 { return }
                harness.sandbox.advanceClock(by: 60)
            }
        }

        /// Commits a new image for canary `a`'s target.
        func changeImageOfA() throws {
            var yaml = try String(contentsOfFile: repo + "/apps.yaml", encoding: .utf8)
            yaml = yaml.replacingOccurrences(of: "example/a:v1", with: "example/a:v2")
            try yaml.write(toFile: repo + "/apps.yaml", atomically: true, encoding: .utf8)
            try commit()
        }
    }

    @Test("--max-progressing 1: a shared change starts one canary; the other waits in a clear state")
    func maxProgressing() async throws {
        let w = try World()
        defer { w.harness.stop() }
        try await w.initialize()
        var yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: mp\n"
        for name in ["a", "b"] { yaml += World.app(name, image: "v2") }
        try yaml.write(toFile: w.repo + "/apps.yaml", atomically: true, encoding: .utf8)
        try w.commit()
        let (r, _) = try await w.run { $0.maxProgressing = 1 }
        let phases = w.phases(r)
        #expect(phases["a"] == "Progressing")
        #expect(phases["b"] == "Initialized")
        let waiting = try #require(r.canaries.first { $0.ref.name == "b" })
        #expect(waiting.decision.contains("--max-progressing 1"))
        #expect(waiting.execution == nil)
        // JSON and metrics of the run.
        let doc = ReportJSON.document(r)
        #expect(doc["canaries"]?.arrayValue?.count == 2)
        #expect(doc["requests"]?["patch"] != nil)
        let metrics = RunMetrics.text(r)
        #expect(metrics.contains("flagger_canary_status{name=\"a\",namespace=\"mp\"} 0"))
        #expect(metrics.contains("flagger_canary_weight{namespace=\"mp\",workload=\"a-primary\"} 100"))
        #expect(metrics.contains("flagger_canary_successes_total{name=\"b\",namespace=\"mp\"} 0"))
    }

    @Test("a run with nothing to do: no write, one LIST per kind in the one namespace (the canaries reuse the sync's LISTs)")
    func noOpRunListsOncePerKind() async throws {
        let w = try World()
        defer { w.harness.stop() }
        try await w.initialize()
        w.harness.sandbox.advanceClock(by: 60)
        w.harness.sandbox.resetRequestCounts()
        let (r, _) = try await w.run()
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(w.phases(r) == ["a": "Initialized", "b": "Initialized"])
        let counts = w.harness.sandbox.requestCounts
        #expect(counts.mutating == 0)
        // The observation and plans went to keepUntilExit (the CLI frees them with the process), once.
        #expect(w.kept.withLock { $0.count } == 1)
        let lists = counts.byResource.compactMapValues { $0["list"] }
        #expect(lists["canaries.flagger.app"] == 1)
        #expect(lists["deployments.apps"] == 1)
        #expect(lists.values.allSatisfy { $0 <= 1 }, "\(lists)")
    }

    @Test("a Conflict on the status write (another writer moved the Canary): skipped and reported, not an error")
    func statusConflict() async throws {
        let w = try World()
        defer { w.harness.stop() }
        try await w.initialize()
        try w.changeImageOfA()
        w.harness.sandbox.inject(FaultRule(verb: "update", resource: "canaries.flagger.app/status", action: .status(409, message: "the object has been modified")))
        let (r, client) = try await w.run()
        let a = try #require(r.canaries.first { $0.ref.name == "a" })
        #expect(a.execution?.conflict != nil)
        #expect(a.execution?.statusWritten == false)
        #expect(!r.hasErrors, "\(r.errors) \(r.canaries.compactMap(\.error))")
        #expect(ReportText.render(r).contains("conflict:"))
        let live = try await client.get(BuiltinResources.canaries, namespace: "mp", name: "a")
        #expect(live["status", "phase"]?.stringValue == "Initialized")
        // The next run takes the step.
        let (again, _) = try await w.run()
        #expect(w.phases(again)["a"] == "Progressing")
    }

    @Test("a LIST a canary's plan depends on fails: that canary is not planned and nothing is written for it; the next run goes on")
    func failedDependencyList() async throws {
        let w = try World()
        defer { w.harness.stop() }
        try await w.initialize()
        try w.changeImageOfA()
        // The canaries' routes are listed by the canaries' observation only (the sync does not hold them).
        w.harness.sandbox.inject(FaultRule(
            verb: "list", resource: "virtualservices.networking.istio.io", times: 20, action: .status(500, message: "etcd is unhappy")))
        let (r, client) = try await w.run()
        for name in ["a", "b"] {
            let outcome = try #require(r.canaries.first { $0.ref.name == name })
            #expect(outcome.error?.contains("not planned: could not read VirtualService") == true, "\(name): \(outcome.error ?? "no error")")
            #expect(outcome.execution == nil)
        }
        let live = try await client.get(BuiltinResources.canaries, namespace: "mp", name: "a")
        #expect(live["status", "phase"]?.stringValue == "Initialized")
        w.harness.sandbox.clearFaults()
        let (again, _) = try await w.run()
        #expect(w.phases(again)["a"] == "Progressing")
    }

    @Test("--shard I/2: each shard handles only its canaries (stable hash); together they initialize both")
    func shards() async throws {
        let w = try World()
        defer { w.harness.stop() }
        var handled: [Int: Set<String>] = [0: [], 1: []]
        for _ in 0..<4 {
            for i in [0, 1] {
                let (r, _) = try await w.run { $0.shard = SyncShard(index: i, count: 2) }
                #expect(r.errors.isEmpty, "\(r.errors)")
                handled[i, default: []].formUnion(r.canaries.map(\.ref.name))
            }
            w.harness.sandbox.advanceClock(by: 60)
        }
        for name in ["a", "b"] {
            let shard = SyncSharding.shard(namespace: "mp", name: name, count: 2)
            #expect(handled[shard]?.contains(name) == true, "\(name) in shard \(shard): \(handled)")
            #expect(handled[1 - shard]?.contains(name) == false, "\(name) handled by shard \(1 - shard)")
        }
        let (all, _) = try await w.run()
        #expect(w.phases(all) == ["a": "Initialized", "b": "Initialized"])
    }

    @Test("a Lease held by another run: the run waits up to --lease-wait, writes nothing and says who holds it")
    func leaseHeld() async throws {
        let w = try World()
        defer { w.harness.stop() }
        let (first, client) = try await w.run()
        #expect(first.leaseTaken)
        let lease = try await client.get(BuiltinResources.leases, namespace: "gitcanary-system", name: "gitcanary-0")
        var held = lease
        held.set(.string("other-run"), at: ["spec", "holderIdentity"])
        held.set(.int(3600), at: ["spec", "leaseDurationSeconds"])
        held.set(.string(RFC3339MicroTime.now()), at: ["spec", "renewTime"])
        _ = try await client.update(BuiltinResources.leases, namespace: "gitcanary-system", name: "gitcanary-0", object: held)
        var yaml = try String(contentsOfFile: w.repo + "/apps.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "example/a:v1", with: "example/a:v9")
        try yaml.write(toFile: w.repo + "/apps.yaml", atomically: true, encoding: .utf8)
        try w.commit()
        w.harness.sandbox.resetRequestCounts()
        let (r, _) = try await w.run { $0.leaseWait = .milliseconds(600) }
        #expect(r.leaseHeldBy == "other-run")
        #expect(!r.hasErrors)
        #expect(w.harness.sandbox.requestCounts.mutating == 0)
    }
}

/// A Lease `renewTime` (MicroTime) for the real current time.
enum RFC3339MicroTime {
    static func now() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"
        return f.string(from: Date())
    }
}
