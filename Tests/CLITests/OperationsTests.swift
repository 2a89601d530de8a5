import Foundation
import Resources
import Sandbox
import TestSupport
import Testing

/// `status`, the persisted gates, the deploy/ manifests and the binary's libraries.
@Suite("operations")
struct OperationsTests {
    @Test("status shows phase, weight bar, failed/threshold, short revision, next due and ETA; approve names the status revision")
    func statusAndApprove() throws {
        let w = try E2EWorld()
        defer { w.stop() }
        _ = try w.reconcile(until: "Initialized")
        try w.edit("deployment.yaml", "podinfo:6.7.0", "podinfo:6.7.1")
        try w.commit("v2")
        _ = try w.reconcile(until: "Progressing")
        let common = ["--kubeconfig", w.harness.kubeconfig, "-n", "demo"]
        let json = try #require(try GitCanaryBinary.run(["status", "--output", "json"] + common, in: w.dir.url))
        #expect(json.status == 0)
        let row = try #require(try JSONParser.parse(json.stdout).arrayValue?.first)
        #expect(row["phase"]?.stringValue == "Progressing")
        #expect(row["threshold"]?.intValue == 2)
        let commit = try #require(try w.get("/apis/flagger.app/v1beta1/namespaces/demo/canaries/podinfo")["status", "revision", "commit"]?.stringValue)
        #expect(row["revision"]?.stringValue == String(commit.prefix(7)))
        #expect(row["nextDue"] != nil && row["eta"] != nil)
        let text = try #require(try GitCanaryBinary.run(["status"] + common, in: w.dir.url))
        #expect(text.stdout.contains("FAILED/THRESHOLD"))
        #expect(text.stdout.contains("podinfo") && text.stdout.contains("0/2") && text.stdout.contains("[░░░░░░░░░░]"))

        let approve = try #require(try GitCanaryBinary.run(["approve", "podinfo", "--gate", "promotion"] + common, in: w.dir.url))
        #expect(approve.status == 0, "\(approve.stderr)")
        let annotated = try w.get("/apis/flagger.app/v1beta1/namespaces/demo/canaries/podinfo")
        #expect(annotated["metadata", "annotations", "gitcanary.dev/approve-promotion"]?.stringValue == commit)
        let reject = try #require(try GitCanaryBinary.run(["reject", "podinfo", "--revision", "zz"] + common, in: w.dir.url))
        #expect(reject.status == 64)
    }

    @Test("deploy/cronjob (with deploy/crds through its kustomization) applies cleanly with kubectl")
    func deployManifestsApply() throws {
        guard let kubectl = KubectlTool.detect() else {
            Issue.record("kubectl is not installed: cannot check deploy/ (install kubectl to run this test)")
            return
        }
        let harness = try SandboxHarness()
        defer { harness.stop() }
        let root = GitCanaryBinary.packageRoot.path
        let result = try harness.kubectl(kubectl, ["apply", "--validate=false", "-k", root + "/deploy/cronjob"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cronjob.batch/gitcanary created"))
        #expect(result.stdout.contains("customresourcedefinition.apiextensions.k8s.io/canaries.flagger.app created"))
        let again = try harness.kubectl(kubectl, ["apply", "--validate=false", "-f", root + "/deploy/cronjob/indexed/job-sharded.yaml"])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test("exit codes: 64 for usage errors (before any configuration is read), 1 for a run error")
    func exitCodes() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        for bad in [["--shard", "3/2"], ["--now", "yesterday"], ["--max-progressing", "0"], ["--output", "yaml"]] {
            let r = try #require(try GitCanaryBinary.run(["reconcile", "--repo", "x"] + bad, in: dir.url))
            #expect(r.status == 64, "\(bad): \(r.stderr)")
        }
        let harness = try SandboxHarness()
        defer { harness.stop() }
        let r = try #require(try GitCanaryBinary.run(
            ["reconcile", "--repo", dir.url.appendingPathComponent("missing").path, "--kubeconfig", harness.kubeconfig,
             "--cache-dir", dir.url.appendingPathComponent("cache").path, "--output", "json"], in: dir.url))
        #expect(r.status == 1)
        let doc = try JSONParser.parse(r.stdout)
        let firstError = doc["errors"]?.arrayValue?.first?.stringValue ?? ""
        #expect(firstError.hasPrefix("git:"), "\(firstError)")
    }

    @Test("gitcanary demo plays v1 initialized, v2 promoted step by step, v3 rolled back, and exits 0 in under a minute")
    func demo() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let started = Date()
        let r = try #require(try GitCanaryBinary.run(["demo"], in: dir.url))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
        let lines = r.lines
        #expect(lines.contains { $0.contains("Initialized") })
        for weight in ["[█░░░░░░░░░]  10%", "[██░░░░░░░░]  20%", "[███░░░░░░░]  30%"] {
            #expect(lines.contains { $0.contains("Progressing") && $0.contains(weight) }, "\(weight)")
        }
        #expect(lines.contains { $0.contains("Succeeded") })
        #expect(lines.contains { $0.contains("Failed") && $0.contains("rollback") })
    }

    @Test("every flag of the README's options table is in `reconcile --help` (and the other way round)")
    func readmeFlags() throws {
        let readme = try String(contentsOf: GitCanaryBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let table = readme.components(separatedBy: "## Options of `reconcile` and `plan`").last?.components(separatedBy: "## Exit codes").first ?? ""
        func flags(_ text: String) -> Set<String> {
            let regex = try? NSRegularExpression(pattern: "--[a-z][a-z-]+")
            let range = NSRange(text.startIndex..., in: text)
            return Set((regex?.matches(in: text, range: range) ?? []).compactMap { Range($0.range, in: text).map { String(text[$0]) } })
        }
        let documented = flags(table)
        let dir = try TempDirectory()
        defer { dir.remove() }
        let help = try #require(try GitCanaryBinary.run(["reconcile", "--help"], in: dir.url))
        let offered = flags(help.stdout).subtracting(["--help", "--version", "--no-prune"])
        #expect(offered.subtracting(documented).isEmpty, "undocumented: \(offered.subtracting(documented).sorted())")
        #expect(documented.subtracting(offered).isEmpty, "documented but missing: \(documented.subtracting(offered).sorted())")
    }

    @Test("the built binary links libgit2 and libcurl (the Dockerfile's runtime packages)")
    func linkedLibraries() throws {
        let path = try #require(GitCanaryBinary.path)
        let ldd = try SandboxProcessRunner.run("/usr/bin/ldd", [path], timeout: 30)
        #expect(ldd.stdout.contains("libgit2"))
        #expect(ldd.stdout.contains("libcurl"))
    }
}
