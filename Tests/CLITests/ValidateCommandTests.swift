import Foundation
import Testing

/// `gitcanary validate` end to end: the built binary, real files, output lines and exit codes 0/1/64.
@Suite struct ValidateCommandTests {
    static let canary = """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: podinfo
          namespace: test
        spec:
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
          service:
            port: 9898
          analysis:
            interval: 1m
            threshold: 5
            stepWeight: 10
            metrics:
            - name: latency
              templateRef: {name: latency}
              thresholdRange: {max: 500}
              interval: 1m

        """
    static let template = """
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata: {name: latency, namespace: test}
        spec:
          provider: {type: prometheus, address: "http://prometheus:9090"}
          query: histogram_quantile(0.99, rate(x[{{ interval }}]))

        """

    @Test func validDirectoryExitsZero() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try dir.write("apps/canary.yaml", ValidateCommandTests.canary)
        try dir.write("apps/metrics/template.yml", ValidateCommandTests.template)
        try dir.write("apps/notes.txt", "not: [yaml")
        try dir.write(".git/config.yaml", "not: [yaml")
        try dir.write("apps/.hidden/x.yaml", "not: [yaml")
        guard let r = try GitCanaryBinary.run(["validate", "apps"], in: dir.url) else { return }
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.lines == ["2 files, 2 objects: 0 errors, 0 warnings"])
    }

    @Test func invalidManifestGetsOneLinePerProblemAndExitsOne() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let broken = ValidateCommandTests.canary
            .replacingOccurrences(of: "stepWeight: 10", with: "stepWeights: [10, 5]")
            .replacingOccurrences(of: "port: 9898", with: "port: http")
        try dir.write("canary.yaml", broken)
        try dir.write("bad.json", "{\"apiVersion\": \"v1\",")
        guard let r = try GitCanaryBinary.run(["validate", "canary.yaml", "bad.json"], in: dir.url) else { return }
        #expect(r.status == 1)
        #expect(r.lines == [
            "bad.json:1: error: column 21: invalid JSON: expected a string key",
            "canary.yaml:9: error: wrong type: expected a number, found string \"http\" (spec.service.port)",
            "canary.yaml:13: error: stepWeights must be strictly increasing: 5 follows 10 (spec.analysis.stepWeights[1])",
            "canary.yaml:16: warning: MetricTemplate test/latency is not among the validated files (spec.analysis.metrics[0].templateRef)",
            "2 files, 1 object: 3 errors, 1 warning",
        ])
    }

    @Test func jsonOutput() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try dir.write("c.yaml", ValidateCommandTests.canary.replacingOccurrences(of: "threshold: 5", with: "threshold: five"))
        guard let r = try GitCanaryBinary.run(["validate", "--output", "json", "."], in: dir.url) else { return }
        #expect(r.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["errors"] as? Int == 1)
        #expect(json?["warnings"] as? Int == 1)
        #expect(json?["files"] as? Int == 1)
        let findings = json?["findings"] as? [[String: Any]] ?? []
        let error = findings.first { $0["severity"] as? String == "error" }
        #expect(error?["path"] as? String == "spec.analysis.threshold")
        #expect(error?["line"] as? Int == 12)
        #expect(error?["rule"] as? String == "schema.type")
        #expect(error?["file"] as? String == "./c.yaml")
    }

    @Test func usageErrorsExit64() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        guard let missing = try GitCanaryBinary.run(["validate", "does-not-exist"], in: dir.url) else { return }
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("does-not-exist: no such file or directory"))
        #expect(missing.stdout.isEmpty)
        guard let noArgs = try GitCanaryBinary.run(["validate"], in: dir.url) else { return }
        #expect(noArgs.status == 64)
        guard let badOption = try GitCanaryBinary.run(["validate", "--output", "xml", "."], in: dir.url) else { return }
        #expect(badOption.status == 64)
        guard let unknownFlag = try GitCanaryBinary.run(["validate", "--frobnicate", "."], in: dir.url) else { return }
        #expect(unknownFlag.status == 64)
    }

    @Test func versionAndHelp() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        guard let version = try GitCanaryBinary.run(["--version"], in: dir.url) else { return }
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        guard let help = try GitCanaryBinary.run(["validate", "--help"], in: dir.url) else { return }
        #expect(help.status == 0)
        #expect(help.stdout.contains("--output"))
    }

    @Test func overlappingPathsAndSymlinkCyclesAreReadOnce() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try dir.write("apps/canary.yaml", ValidateCommandTests.canary)
        try dir.write("apps/template.yaml", ValidateCommandTests.template)
        try FileManager.default.createSymbolicLink(
            atPath: dir.url.appendingPathComponent("apps/loop").path, withDestinationPath: dir.url.appendingPathComponent("apps").path)
        guard let r = try GitCanaryBinary.run(["validate", "apps", "./apps/canary.yaml", "apps/"], in: dir.url) else { return }
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.lines.last == "2 files, 2 objects: 0 errors, 0 warnings")
    }

    @Test func emptyDirectoryIsNotAnError() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        guard let r = try GitCanaryBinary.run(["validate", "."], in: dir.url) else { return }
        #expect(r.status == 0)
        #expect(r.lines == ["0 files, 0 objects: 0 errors, 0 warnings"])
    }

    @Test func examplesValidate() throws {
        let examples = GitCanaryBinary.packageRoot.appendingPathComponent("examples")
        guard let r = try GitCanaryBinary.run(["validate", examples.path], in: GitCanaryBinary.packageRoot) else { return }
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.lines.last?.hasSuffix(": 0 errors, 0 warnings") == true, "\(r.stdout)")
    }
}
