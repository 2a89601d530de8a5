import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `gitcanary sandbox` as users run it: prints its URLs, writes a kubeconfig with the token, stops on SIGINT.
@Suite("gitcanary sandbox command")
struct SandboxCommandTests {
    static var binary: String? {
        let testBundle = URL(fileURLWithPath: ProcessInfo.processInfo.arguments.first ?? "")
        var dir = testBundle.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("gitcanary").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    @Test("serves with --token-file and --kubeconfig-out until SIGINT", .enabled(if: binary != nil, "gitcanary is not built"))
    func command() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-cmd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("tok-123\n".utf8).write(to: URL(fileURLWithPath: dir + "/token"))
        let process = try SandboxBackgroundProcess(
            try #require(Self.binary),
            ["sandbox", "--port", "0", "--kubeconfig-out", dir + "/kubeconfig", "--token-file", dir + "/token"],
            logPath: dir + "/log")
        defer { process.stop() }
        let deadline = Date().addingTimeInterval(10)
        while !process.log.contains("Press Ctrl-C") && Date() < deadline && process.isRunning { usleep(20_000) }
        let log = process.log
        #expect(log.contains("Sandbox API server:     http://127.0.0.1:"), "\(log)")
        #expect(log.contains("/prometheus"))
        #expect(!log.contains("tok-123"))
        let kubeconfig = try String(contentsOfFile: dir + "/kubeconfig", encoding: .utf8)
        #expect(kubeconfig.contains("token: \"tok-123\""))
        let server = try #require(kubeconfig.split(separator: "\n").first { $0.contains("server:") })
            .split(separator: " ").last.map(String.init) ?? ""
        let denied = try SandboxProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", server + "/api"])
        #expect(denied.stdout == "401")
        let allowed = try SandboxProcessRunner.run(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer tok-123", server + "/api"])
        #expect(allowed.stdout == "200")
        // (kubectl itself never sends credentials to an http:// server, so auth is checked with curl here.)
        // SIGINT stops it cleanly (the command unblocks and handles the signal itself).
        kill(try #require(process.pid), SIGINT)
        let stopDeadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < stopDeadline { usleep(20_000) }
        #expect(!process.isRunning)
        #expect(process.log.contains("Sandbox stopped."))
    }
}
