import Foundation
import Resources
import Sandbox
import Testing
import TestSupport

/// Planted secrets (Secret data in a repository manifest, a Git token in the environment and in a URL, a
/// kubeconfig token and client key) never appear in what the commands print: stdout, stderr, text and JSON.
@Suite("Secret hygiene of the commands")
struct SecretHygieneCLITests {
    struct Planted {
        let id = UUID().uuidString.lowercased()
        var secretData: String { "planted-secret-data-\(id)" }
        var stringData: String { "planted-string-data-\(id)" }
        var gitToken: String { "planted-git-token-\(id)" }
        var urlPassword: String { "planted-url-password-\(id)" }
        var kubeToken: String { "planted-kube-token-\(id)" }
        var clientKey: String { "planted-client-key-\(id)" }
        /// Every value and its Base64 form (a leak may be encoded).
        var forms: [String] {
            [secretData, stringData, gitToken, urlPassword, kubeToken, clientKey].flatMap { [$0, Data($0.utf8).base64EncodedString()] }
        }
    }

    /// `gitcanary ARGS` with extra environment; output in files.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: String) throws -> GitCanaryBinary.Result? {
        guard let path = GitCanaryBinary.path else {
            Issue.record("gitcanary binary not found: run `swift build --build-tests` first")
            return nil
        }
        let out = directory + "/out-\(UUID().uuidString)"
        let err = directory + "/err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return GitCanaryBinary.Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    @Test("validate, source, status and their errors print none of the planted values")
    func planted() async throws {
        let p = Planted()
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata: {name: app-secret, namespace: prod}
            type: Opaque
            data:
              token: \(Data(p.secretData.utf8).base64EncodedString())
            stringData:
              password: \(p.stringData)
            """
        try fixture.write("apps/secret.yaml", secret)
        // The same Secret declared twice, and a broken copy: findings about Secret objects, never their values.
        try fixture.write("apps/secret-copy.yaml", secret)
        try fixture.write("apps/secret-broken.yaml", secret + "\n  bad: [\(p.stringData)\n")
        try fixture.write("apps/secret.json", #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"j","namespace":"prod"},"stringData":{"k":"\#(p.stringData)"}} trailing \#(p.stringData)"#)
        _ = try fixture.commit("Secrets")
        let scratch = try fixture.scratch("cli")
        var outputs: [(String, GitCanaryBinary.Result)] = []
        func record(_ name: String, _ r: GitCanaryBinary.Result?) { if let r { outputs.append((name, r)) } }

        record("validate", try Self.run(["validate", fixture.work + "/apps"], in: scratch))
        record("validate json", try Self.run(["validate", "--output", "json", fixture.work + "/apps"], in: scratch))
        let gitEnv = ["GITCANARY_GIT_TOKEN": p.gitToken, "GITCANARY_CACHE_DIR": scratch + "/cache"]
        record("source", try Self.run(["source", "--repo", fixture.work], environment: gitEnv, in: scratch))
        record("source json", try Self.run(["source", "--repo", fixture.work, "--output", "json"], environment: gitEnv, in: scratch))
        record("source unreachable", try Self.run(["source", "--repo", "http://127.0.0.1:1/repo.git"], environment: gitEnv, in: scratch))
        record("source url credentials", try Self.run(
            ["source", "--repo", "http://ci:\(p.urlPassword)@127.0.0.1:1/repo.git"], environment: gitEnv, in: scratch))

        // A kubeconfig with a token and a client key: 401 from a Sandbox that wants another token, and an
        // unusable client certificate.
        let sandbox = try Sandbox(options: Sandbox.Options(token: "the-right-token-\(p.id)"))
        defer { sandbox.stop() }
        let keyData = Data("-----BEGIN EC PRIVATE KEY-----\n\(p.clientKey)\n-----END EC PRIVATE KEY-----\n".utf8).base64EncodedString()
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - {name: plain, cluster: {server: "\(sandbox.apiURL)"}}
            - {name: tls, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}
            users:
            - {name: t, user: {token: "\(p.kubeToken)"}}
            - {name: k, user: {client-certificate-data: "\(Data("not a certificate".utf8).base64EncodedString())", client-key-data: "\(keyData)", token: "\(p.kubeToken)"}}
            contexts:
            - {name: c, context: {cluster: plain, user: t, namespace: prod}}
            - {name: k, context: {cluster: tls, user: k}}
            - {name: bad, context: {cluster: nowhere, user: t}}
            """
        let path = scratch + "/kubeconfig"
        try Data(kubeconfig.utf8).write(to: URL(fileURLWithPath: path))
        record("status 401", try Self.run(["status", "--kubeconfig", path], in: scratch))
        record("status json 401", try Self.run(["status", "--kubeconfig", path, "--output", "json"], in: scratch))
        record("status client key", try Self.run(["status", "--kubeconfig", path, "--context", "k"], in: scratch))
        record("status bad context", try Self.run(["status", "--kubeconfig", path, "--context", "bad"], in: scratch))

        #expect(outputs.count == 10)
        var found = 0
        for (name, r) in outputs {
            for value in p.forms where r.stdout.contains(value) || r.stderr.contains(value) {
                found += 1
                Issue.record("\(name) printed a planted value \(value.prefix(24))…:\n\(r.stdout)\n\(r.stderr)")
            }
        }
        #expect(found == 0)
        // The commands did fail or report where they should (the test is not vacuous).
        let byName = Dictionary(outputs.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["validate"]?.stdout.contains("duplicate object Secret/prod/app-secret") == true)
        // `source` exits 1 because of the broken files, after listing what it read.
        #expect(byName["source"]?.stdout.contains("Secret") == true)
        #expect(byName["source unreachable"]?.status != 0)
        #expect(byName["source url credentials"]?.stderr.contains("127.0.0.1:1") == true)
        #expect(byName["status 401"]?.stderr.contains("Unauthorized") == true)
        #expect(byName["status client key"]?.status != 0)
        #expect(byName["status bad context"]?.stderr.contains("nowhere") == true)
    }
}
