import Foundation
import Resources
import Sandbox
import TestSupport
import Testing

/// An examples repository in a temp Git repo (examples/demo-istio + Flagger's CRDs + one extra ConfigMap), a
/// Sandbox, and the built binary run against them at the Sandbox's stepped clock.
final class E2EWorld: @unchecked Sendable {
    let harness: SandboxHarness
    let dir: TempDirectory
    var repo: URL { dir.url.appendingPathComponent("repo") }

    init() throws {
        harness = try SandboxHarness()
        harness.sandbox.setClock(Date(timeIntervalSince1970: 1_900_000_000), freeze: true)
        dir = try TempDirectory()
        let root = GitCanaryBinary.packageRoot
        let fm = FileManager.default
        try fm.createDirectory(at: repo.appendingPathComponent("crds-flagger"), withIntermediateDirectories: true)
        let example = root.appendingPathComponent("examples/demo-istio")
        for rel in fm.subpaths(atPath: example.path) ?? [] {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: example.appendingPathComponent(rel).path, isDirectory: &isDir)
            if isDir.boolValue { continue }
            let text = try String(contentsOf: example.appendingPathComponent(rel), encoding: .utf8)
                .replacingOccurrences(of: "http://loadtester.test/", with: "\(harness.sandbox.apiURL)/loadtester/")
            try dir.write("repo/\(rel)", text)
        }
        for f in try fm.contentsOfDirectory(atPath: root.appendingPathComponent("deploy/crds").path) where f.hasSuffix(".yaml") {
            try fm.copyItem(at: root.appendingPathComponent("deploy/crds/\(f)"), to: repo.appendingPathComponent("crds-flagger/\(f)"))
        }
        try dir.write("repo/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: demo\ndata:\n  a: \"1\"\n")
        try dir.write("repo/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: demo\nstringData:\n  password: first-s3cret-value\n")
        try git(["init", "-q", "-b", "main"])
        try commit("v1")
    }

    func stop() {
        harness.stop()
        dir.remove()
    }

    func git(_ args: [String]) throws {
        let r = try SandboxProcessRunner.run("/usr/bin/env", ["git", "-C", repo.path] + args, timeout: 30)
        #expect(r.status == 0, "git \(args): \(r.stderr)")
    }

    func commit(_ message: String) throws {
        try git(["add", "-A"])
        try git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message])
    }

    func edit(_ file: String, _ from: String, _ to: String) throws {
        let url = repo.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(from))
        try Data(text.replacingOccurrences(of: from, with: to).utf8).write(to: url)
    }

    var now: String { RFC3339.format(harness.sandbox.now) }

    /// Arguments of a run of `command` at the Sandbox's clock.
    func arguments(_ command: String, _ extra: [String] = []) -> [String] {
        [command, "--repo", repo.path, "--ref", "main", "--kubeconfig", harness.kubeconfig, "--now", now,
         "--metrics-server", harness.sandbox.prometheusURL, "--cache-dir", dir.url.appendingPathComponent("cache").path,
         "--output", "json", "--source-name", "e2e", "--lease-wait", "20", "--log-format", "json"] + extra
    }

    /// Runs the binary and returns its JSON document.
    func run(_ command: String = "reconcile", _ extra: [String] = [], status: Int32 = 0) throws -> JSONValue {
        guard let r = try GitCanaryBinary.run(arguments(command, extra), in: dir.url) else { return .null }
        #expect(r.status == status, "gitcanary \(command) exited \(r.status): \(r.stderr.suffix(2000))")
        return (try? JSONParser.parse(r.stdout)) ?? .null
    }

    /// The canary of a run's document.
    static func canary(_ doc: JSONValue) -> (phase: String, weight: Int64, decision: String)? {
        guard let c = doc["canaries"]?.arrayValue?.first else { return nil }
        return (c["phase"]?.stringValue ?? "", c["weight"]?.intValue ?? -1, c["decision"]?.stringValue ?? "")
    }

    /// Runs reconcile, stepping the clock one minute after each, until the phase; returns (phase, weight) per run.
    func reconcile(until phase: String, maxRuns: Int = 12, extra: [String] = [], lastStatus: Int32 = 0) throws -> [(String, Int64)] {
        var seen: [(String, Int64)] = []
        for _ in 0..<maxRuns {
            guard let r = try GitCanaryBinary.run(arguments("reconcile", extra), in: dir.url) else { return seen }
            let doc = (try? JSONParser.parse(r.stdout)) ?? .null
            let reached = Self.canary(doc)?.phase == phase
            #expect(r.status == (reached ? lastStatus : 0), "gitcanary reconcile exited \(r.status): \(r.stderr.suffix(2000))")
            if let c = Self.canary(doc) {
                seen.append((c.phase, c.weight))
                if c.phase == phase { return seen }
            }
            harness.sandbox.advanceClock(by: 60)
        }
        Issue.record("did not reach \(phase): \(seen)")
        return seen
    }

    /// GET of an API path.
    func get(_ path: String) throws -> JSONValue { try harness.request("GET", path).json }
    func status(_ path: String) throws -> Int { try harness.request("GET", path).status }
}
