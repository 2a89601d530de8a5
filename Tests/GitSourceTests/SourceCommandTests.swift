import Foundation
import Testing
import TestSupport

/// Runs the built `gitcanary` binary (next to the test bundle) on real repositories.
@Suite("gitcanary source")
struct SourceCommandTests {
    static var binary: String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let path = dir + "/gitcanary"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let dir = NSTemporaryDirectory() + "gitcanary-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary ?? "/nonexistent")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GITCANARY_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = FileHandle(forWritingAtPath: dir + "/out")
        process.standardError = FileHandle(forWritingAtPath: dir + "/err")
        try process.run()
        process.waitUntilExit()
        let read = { (name: String) in String(decoding: FileManager.default.contents(atPath: dir + "/" + name) ?? Data(), as: UTF8.self) }
        return Output(status: process.terminationStatus, stdout: read("out"), stderr: read("err"))
    }

    @Test("text output lists revision and objects with file:line; exit 1 when a file failed",
          .enabled(if: SourceCommandTests.binary != nil))
    func text() throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let out = try Self.run(["source", "--repo", setup.fixture.work, "--path", "apps/podinfo", "--cache-dir", setup.cache])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("revision  \(setup.firstCommit) (refs/heads/main)"))
        #expect(out.stdout.contains("subject   Add podinfo and friends"))
        #expect(out.stdout.contains("Canary      test       podinfo         apps/podinfo/service.yml:7"))
        #expect(out.stdout.contains("4 objects"))
        let broken = try Self.run(["source", "--path", "apps/broken", "--cache-dir", setup.cache], environment: ["GITCANARY_REPO": setup.fixture.work])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("error: apps/broken/binary.yaml: binary content"))
    }

    @Test("JSON output, and errors on stderr with exit 1", .enabled(if: SourceCommandTests.binary != nil))
    func json() throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let out = try Self.run(["source", "--repo", setup.fixture.work, "--ref", "main", "--path", "apps/kustomized", "--cache-dir", setup.cache, "--output", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let revision = try #require(doc["revision"] as? [String: Any])
        #expect(revision["commit"] as? String == setup.firstCommit)
        let objects = try #require(doc["objects"] as? [[String: Any]])
        #expect(objects.map { "\($0["kind"] ?? "")/\($0["namespace"] ?? "")/\($0["name"] ?? "")" }.sorted() == ["Deployment/prod/kapp", "Namespace//prod", "Service/prod/ksvc"])

        let bad = try Self.run(["source", "--repo", "https://robot:hunter2@localhost:1/x.git", "--cache-dir", setup.cache, "--git-timeout", "5"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: cannot reach https://localhost:1/x.git"))
        #expect(!bad.stderr.contains("hunter2") && !bad.stdout.contains("hunter2"))
    }

    @Test("two gitcanary processes sharing one cache: both succeed, one clones, the cache stays usable",
          .enabled(if: SourceCommandTests.binary != nil))
    func concurrentProcesses() async throws {
        let d = try DaemonSetup()
        defer { d.tearDown() }
        let arguments = ["source", "--repo", d.url, "--cache-dir", d.setup.cache, "--revision-only", "--output", "json"]
        async let a = Task.detached { try SourceCommandTests.run(arguments) }.value
        async let b = Task.detached { try SourceCommandTests.run(arguments) }.value
        let outputs = try await [a, b]
        var outcomes: [String] = []
        for out in outputs {
            #expect(out.status == 0, "\(out.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
            #expect((doc["revision"] as? [String: Any])?["commit"] as? String == d.setup.firstCommit)
            outcomes.append(((doc["fetch"] as? [String: Any])?["cache"] as? String) ?? "")
        }
        #expect(outcomes.sorted() == ["cloned", "upToDate"])
        let after = try Self.run(["source", "--repo", d.url, "--cache-dir", d.setup.cache])
        #expect(after.status == 1)  // the standard tree has two broken files on purpose
        #expect(after.stdout.contains("8 objects"))
    }
}
