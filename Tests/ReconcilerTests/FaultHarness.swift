import Foundation
import GitSource
import KubeAPI
import Logging
import Planner
import Reconciler
import Resources
import Sandbox
import TestSupport
import Testing

/// Plays a release on an in-process Sandbox through the Reconciler's library API with a stepped clock, injecting
/// faults, and checks the issue's invariants after every run (see ``FaultInvariants``).
final class FaultHarness: @unchecked Sendable {
    /// A release: what changes in Git after the canary is initialized.
    enum Release: String, CaseIterable, Sendable {
        /// A new image with healthy metrics: promoted.
        case promotion
        /// A new image whose success rate is 50 %: rolled back.
        case rollback
    }

    /// Faults of one run.
    enum Faults: Sendable {
        case none
        /// Every mutating request after the k-th fails with a connection reset (the run is killed after k writes).
        case killAfter(Int)
        /// Each of the first 80 requests fails with probability `rate` (500, 503, 504, 409 or a reset).
        case random(rate: Double, seed: UInt64)
    }

    /// The observed final state compared with the fault-free run.
    struct FinalState: Equatable, CustomStringConvertible {
        var phase: String
        var canaryWeight: Int
        var primaryImage: String
        var routeWeights: [Int]
        var description: String { "\(phase) weight=\(canaryWeight) primary=\(primaryImage) routes=\(routeWeights)" }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let namespace = "fh"

    let harness: SandboxHarness
    let repo: String
    let cache: String
    let admin: KubeClient
    let release: Release
    var invariants = FaultInvariants()
    /// Figures: runs, mutating requests seen, injected faults, overlapping runs.
    var runs = 0
    var injected = 0
    var overlapping = 0
    var kills = 0
    /// RBAC mode: files the admin applies before the first run.
    private var adminFiles: [String] = []
    /// Errors the runs reported (run errors and per-canary errors).
    var reportErrors: [String] = []

    /// RBAC mode: the service account's bearer token the runs use (deploy/cronjob's RBAC applied by the admin).
    private(set) var serviceAccountToken: String?

    init(release: Release, rbac: Bool = false) throws {
        self.release = release
        harness = try SandboxHarness(rbac: rbac)
        harness.sandbox.setClock(Date(timeIntervalSince1970: 1_900_000_000), freeze: true)
        repo = harness.directory + "/repo"
        cache = harness.directory + "/cache"
        let fm = FileManager.default
        // The CRDs live in the repository, except in RBAC mode, where the cluster admin installs them (the engine
        // may only read CRDs).
        let crds = rbac ? harness.directory + "/crds" : repo + "/crds"
        try fm.createDirectory(atPath: crds, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: repo, withIntermediateDirectories: true)
        for f in ["canaries.flagger.app.yaml", "metrictemplates.flagger.app.yaml", "alertproviders.flagger.app.yaml"] {
            try fm.copyItem(atPath: Self.root.path + "/deploy/crds/" + f, toPath: crds + "/" + f)
        }
        try fm.copyItem(atPath: Self.root.path + "/examples/demo-istio/crds/istio-minimal.yaml", toPath: crds + "/istio.yaml")
        try Self.app(image: "v1", successRate: 100).write(toFile: repo + "/app.yaml", atomically: true, encoding: .utf8)
        let credentials: KubeCredentials = harness.sandbox.adminToken.map { .token(Redacted($0)) } ?? .none
        admin = KubeClient(
            configuration: KubeClientConfiguration(server: harness.sandbox.apiURL, credentials: credentials), http: try CurlHTTPClient())
        if rbac {
            adminFiles = try fm.contentsOfDirectory(atPath: crds).sorted().map { crds + "/" + $0 }
                + ["namespace.yaml", "rbac.yaml", "sync-rbac.yaml"].map { Self.root.path + "/deploy/cronjob/" + $0 }
            serviceAccountToken = harness.sandbox.issueToken(namespace: "gitcanary-system", serviceAccount: "gitcanary")
        }
        try git(["init", "-q", "-b", "main"])
        try commit()
    }

    func stop() { harness.stop() }

    static func app(image: String, successRate: Int) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: \(namespace)}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a, namespace: \(namespace)}
        spec:
          replicas: 2
          selector: {matchLabels: {app: a}}
          template:
            metadata:
              labels: {app: a}
              annotations: {sandbox.gitcanary.dev/success-rate: "\(successRate)"}
            spec: {containers: [{name: c, image: "example/a:\(image)"}]}
        ---
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata: {name: a, namespace: \(namespace)}
        spec:
          provider: istio
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: a}
          service: {port: 80}
          analysis:
            interval: 1m
            threshold: 2
            maxWeight: 20
            stepWeight: 10
            metrics:
              - {name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}

        """
    }

    func git(_ args: [String]) throws {
        let r = try SandboxProcessRunner.run("/usr/bin/env", ["git", "-C", repo] + args, timeout: 30)
        if r.status != 0 { throw TestSupportError("git \(args): \(r.stderr)") }
    }

    func commit() throws {
        try git(["add", "-A"])
        try git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "change"])
    }

    /// One reconcile run as `identity`.
    func run(identity: String = "harness") async throws -> RunReport {
        let http = try CurlHTTPClient()
        let client = KubeClient(
            configuration: KubeClientConfiguration(
                server: harness.sandbox.apiURL, credentials: serviceAccountToken.map { .token(Redacted($0)) } ?? .none,
                timeout: .seconds(5)),
            http: http,
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)))
        let source = try GitSource(repository: repo, ref: "main", cacheDirectory: cache + "-" + identity)
        var options = ReconcileOptions(sourceName: "fh", now: harness.sandbox.now, leaseWait: .seconds(1), identity: identity)
        options.analysis.metricsServer = harness.sandbox.prometheusURL
        options.definitionTimeout = .seconds(10)
        let logger = Logger(label: "harness", factory: { _ in SwiftLogNoOpLogHandler() })
        let env = ReconcileEnvironment(source: source, client: client, http: http, logger: logger)
        runs += 1
        let report = await Reconciler(environment: env).run(options)
        reportErrors += report.errors + report.canaries.compactMap(\.error)
        return report
    }

    /// Installs the faults of one run.
    func inject(_ faults: Faults) {
        switch faults {
        case .none: break
        case .killAfter(let k):
            harness.sandbox.inject(FaultRule(verb: "mutating", nth: k + 1, times: 100_000, action: .reset))
        case .random(let rate, let seed):
            var rng = SplitMix64(seed: seed)
            for n in 1...80 where Double(rng.next() % 10_000) / 10_000 < rate {
                let actions: [FaultRule.Action] = [
                    .status(500, message: nil), .status(503, message: nil), .status(504, message: nil),
                    .status(409, message: "the object has been modified"), .reset,
                ]
                harness.sandbox.inject(FaultRule(nth: n, action: actions[Int(rng.next() % UInt64(actions.count))]))
                injected += 1
            }
        }
    }

    /// Initializes the canary (fault-free), then commits the release.
    func prepare() async throws {
        for file in adminFiles {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for m in try ManifestDecoder().decode(yaml: text, file: file) {
                let mapping = try await admin.mapping(apiVersion: m.apiVersion, kind: m.kind)
                _ = try await admin.create(mapping, namespace: m.namespace.isEmpty ? nil : m.namespace, object: m.object)
            }
        }
        for _ in 0..<6 {
            _ = try await run()
            try await check()
            if try await phase() == "Initialized" { break }
            harness.sandbox.advanceClock(by: 60)
        }
        switch release {
        case .promotion: try Self.app(image: "v2", successRate: 100).write(toFile: repo + "/app.yaml", atomically: true, encoding: .utf8)
        case .rollback: try Self.app(image: "v3", successRate: 50).write(toFile: repo + "/app.yaml", atomically: true, encoding: .utf8)
        }
        try commit()
        harness.sandbox.advanceClock(by: 60)
    }

    /// Plays runs (the first `faulty.count` with those faults, `overlap` runs at once for each step) and then normal
    /// runs until the phase settles; checks the invariants after every run.
    /// `killAtWrite: k`: the run during which the scenario's (k+1)-th mutating request comes is killed there (every
    /// mutating request from it on fails with a reset until that run ends).
    func play(faulty: [Faults], killAtWrite: Int? = nil, overlap: Int = 1, maxRuns: Int = 24) async throws -> FinalState {
        var step = 0
        var killPending = killAtWrite != nil
        harness.sandbox.resetRequestCounts()
        if let k = killAtWrite {
            harness.sandbox.inject(FaultRule(verb: "mutating", nth: k + 1, times: 100_000, action: .reset))
        }
        while step < maxRuns {
            let faults = step < faulty.count ? faulty[step] : .none
            inject(faults)
            if overlap > 1 {
                overlapping += 1
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<overlap { group.addTask { _ = try await self.run(identity: "harness-\(i)") } }
                    try await group.waitForAll()
                }
            } else {
                _ = try await run()
            }
            if let k = killAtWrite, killPending {
                if harness.sandbox.requestCounts.mutating > k {
                    killPending = false
                    kills += 1
                    harness.sandbox.clearFaults()
                }
            } else {
                harness.sandbox.clearFaults()
            }
            try await check()
            step += 1
            let p = try await phase()
            if step >= faulty.count && !killPending && (p == "Succeeded" || p == "Failed") {
                // One more normal run must change nothing.
                harness.sandbox.advanceClock(by: 60)
                _ = try await run()
                try await check()
                break
            }
            harness.sandbox.advanceClock(by: 60)
        }
        return try await finalState()
    }

    /// RBAC mode: removes the rules of a Role or ClusterRole that `remove` selects; returns how many were removed.
    func removeRules(kind: String, name: String, namespace: String? = nil, _ remove: (JSONValue) -> Bool) async throws -> Int {
        let mapping = try await admin.mapping(apiVersion: "rbac.authorization.k8s.io/v1", kind: kind)
        var role = try await admin.get(mapping, namespace: namespace, name: name)
        let rules = role["rules"]?.arrayValue ?? []
        role["rules"] = .array(rules.filter { !remove($0) })
        _ = try await admin.update(mapping, namespace: namespace, name: name, object: role)
        return rules.count - (role["rules"]?.arrayValue?.count ?? 0)
    }

    func canary() async throws -> JSONValue {
        try await admin.get(BuiltinResources.canaries, namespace: Self.namespace, name: "a")
    }

    func phase() async throws -> String { try await canary()["status", "phase"]?.stringValue ?? "" }

    func finalState() async throws -> FinalState {
        let c = try await canary()
        let primary = try? await admin.get(BuiltinResources.deployments, namespace: Self.namespace, name: "a-primary")
        return FinalState(
            phase: c["status", "phase"]?.stringValue ?? "", canaryWeight: Int(c["status", "canaryWeight"]?.intValue ?? 0),
            primaryImage: primary?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue ?? "",
            routeWeights: try await routeWeights() ?? [])
    }

    /// The VirtualService's route weights (primary first), nil when there is none.
    func routeWeights() async throws -> [Int]? {
        let vs = try await admin.mapping(apiVersion: "networking.istio.io/v1beta1", kind: "VirtualService")
        guard let obj = try? await admin.get(vs, namespace: Self.namespace, name: "a") else { return nil }
        let routes = obj["spec", "http"]?.arrayValue?.first?["route"]?.arrayValue ?? []
        return routes.map { Int($0["weight"]?.intValue ?? -1) }
    }

    /// Reads the cluster and checks the invariants.
    func check() async throws {
        let c = try await canary()
        let primary = try? await admin.get(BuiltinResources.deployments, namespace: Self.namespace, name: "a-primary")
        let target = try? await admin.get(BuiltinResources.deployments, namespace: Self.namespace, name: "a")
        let weights = try await routeWeights()
        invariants.check(
            canary: c, primary: primary, target: target, routeWeights: weights, now: harness.sandbox.now,
            badImage: release == .rollback ? "example/a:v3" : nil)
    }
}

/// SplitMix64: a small seeded generator, so fault runs replay from their seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
