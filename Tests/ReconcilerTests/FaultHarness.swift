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
    typealias Release = FaultRelease

    /// Faults of one run.
    enum Faults: Sendable {
        case none
        /// Every mutating request after the k-th fails with a connection reset (the run is killed after k writes).
        case killAfter(Int)
        /// Each of the first 80 requests fails with probability `rate`, drawn from ``FaultMix`` (5xx, 409, reset,
        /// hang, hang after carrying the request out).
        case random(rate: Double, seed: UInt64)
    }

    /// The observed final state compared with the fault-free run.
    struct FinalState: Equatable, CustomStringConvertible {
        var phase: String
        var canaryWeight: Int
        var primaryImage: String
        /// The weights of every HTTP route of the VirtualService, in order (primary, canary per route).
        var routeWeights: [[Int]]
        /// `a-config-primary`'s `data.v` (the config the primary runs).
        var primaryConfig: String
        var description: String {
            "\(phase) weight=\(canaryWeight) primary=\(primaryImage) config=\(primaryConfig) routes=\(routeWeights)"
        }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let namespace = FaultRelease.namespace

    let harness: SandboxHarness
    let repo: String
    let cache: String
    let admin: KubeClient
    let release: Release
    var invariants = FaultInvariants()
    /// Figures: runs, injected faults by type, overlapping steps, kills, run timings other than on time.
    var runs = 0
    var injected: [String: Int] = [:]
    var overlapping = 0
    var kills = 0
    var timings: [RunTiming: Int] = [:]
    /// The client's per-request timeout (short when hangs are injected, so that a hang costs little).
    var requestTimeout: Duration = .seconds(5)
    /// Wall-clock time spent in ``play(faulty:killAtWrite:overlap:schedule:maxRuns:)``.
    var elapsed: Duration = .zero
    /// Whether the config-change release has committed its mid-analysis config change.
    private(set) var configChanged = false
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
        // has no rule for CRDs).
        let crds = rbac ? harness.directory + "/crds" : repo + "/crds"
        try fm.createDirectory(atPath: crds, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: repo, withIntermediateDirectories: true)
        for f in ["canaries.flagger.app.yaml", "metrictemplates.flagger.app.yaml", "alertproviders.flagger.app.yaml"] {
            try fm.copyItem(atPath: Self.root.path + "/deploy/crds/" + f, toPath: crds + "/" + f)
        }
        try fm.copyItem(atPath: Self.root.path + "/examples/demo-istio/crds/istio-minimal.yaml", toPath: crds + "/istio.yaml")
        try release.initial.write(toFile: repo + "/app.yaml", atomically: true, encoding: .utf8)
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
                timeout: requestTimeout),
            http: http,
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50)))
        let source = try GitSource(repository: repo, ref: "main", cacheDirectory: cache + "-" + identity)
        var options = ReconcileOptions(sourceName: "fh", now: harness.sandbox.now, leaseWait: .milliseconds(300), identity: identity)
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
            var rng = SeededGenerator(seed: seed)
            for n in 1...80 where Double(rng.next() % 10_000) / 10_000 < rate {
                let (name, action) = FaultMix.actions[Int(rng.next() % UInt64(FaultMix.actions.count))]
                harness.sandbox.inject(FaultRule(nth: n, action: action))
                injected[name, default: 0] += 1
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
        try release.released.write(toFile: repo + "/app.yaml", atomically: true, encoding: .utf8)
        try commit()
        harness.sandbox.advanceClock(by: 60)
    }

    /// Plays runs (the first `faulty.count` with those faults, `overlap` runs at once for each step) and then normal
    /// runs until the phase settles; checks the invariants after every run.
    /// `killAtWrite: k`: the run during which the scenario's (k+1)-th mutating request comes is killed there (every
    /// mutating request from it on fails with a reset until that run ends).
    /// `schedule`: the timing of each next run (late, doubled, skipped); nil: every run on time.
    /// The config-change release commits its config change after the first run that leaves the canary Progressing
    /// with weight ≥ 10.
    func play(
        faulty: [Faults], killAtWrite: Int? = nil, overlap: Int = 1, schedule: FaultSchedule? = nil, maxRuns: Int = 40
    ) async throws -> FinalState {
        let started = ContinuousClock.now
        defer { elapsed += ContinuousClock.now - started }
        if faulty.contains(where: { if case .random = $0 { true } else { false } }) { requestTimeout = .seconds(1) }
        var schedule = schedule
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
            try await changeConfigIfDue()
            step += 1
            let p = try await phase()
            if step >= faulty.count && !killPending && (p == "Succeeded" || p == "Failed") && (release != .configChange || configChanged) {
                // One more normal run must change nothing.
                harness.sandbox.advanceClock(by: 60)
                _ = try await run()
                try await check()
                break
            }
            if var s = schedule {
                let (timing, seconds) = s.next(interval: 60)
                schedule = s
                if timing != .onTime { timings[timing, default: 0] += 1 }
                harness.sandbox.advanceClock(by: seconds)
            } else {
                harness.sandbox.advanceClock(by: 60)
            }
        }
        return try await finalState()
    }

    /// The config-change release: once the canary is Progressing with weight ≥ 10, the ConfigMap changes in Git.
    private func changeConfigIfDue() async throws {
        guard release == .configChange, !configChanged else { return }
        let c = try await canary()
        guard c["status", "phase"]?.stringValue == "Progressing", (c["status", "canaryWeight"]?.intValue ?? 0) >= 10 else { return }
        try release.configChanged.write(toFile: repo + "/app.yaml", atomically: true, encoding: .utf8)
        try commit()
        configChanged = true
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
        let config = try? await admin.get(BuiltinResources.configMaps, namespace: Self.namespace, name: "a-config-primary")
        return FinalState(
            phase: c["status", "phase"]?.stringValue ?? "", canaryWeight: Int(c["status", "canaryWeight"]?.intValue ?? 0),
            primaryImage: primary?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue ?? "",
            routeWeights: try await routeWeights() ?? [], primaryConfig: config?["data", "v"]?.stringValue ?? "")
    }

    /// The VirtualService's route weights per HTTP route (primary first), nil when there is none.
    func routeWeights() async throws -> [[Int]]? {
        let vs = try await admin.mapping(apiVersion: "networking.istio.io/v1beta1", kind: "VirtualService")
        guard let obj = try? await admin.get(vs, namespace: Self.namespace, name: "a") else { return nil }
        return (obj["spec", "http"]?.arrayValue ?? []).map { http in
            (http["route"]?.arrayValue ?? []).map { Int($0["weight"]?.intValue ?? -1) }
        }
    }

    /// Reads the cluster and checks the invariants.
    func check() async throws {
        let c = try await canary()
        let primary = try? await admin.get(BuiltinResources.deployments, namespace: Self.namespace, name: "a-primary")
        let target = try? await admin.get(BuiltinResources.deployments, namespace: Self.namespace, name: "a")
        let weights = try await routeWeights()
        invariants.check(
            canary: c, primary: primary, target: target, routes: weights, now: harness.sandbox.now, badImage: release.badImage)
    }
}
