import Foundation
import KubeAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's `prometheus` binary on 127.0.0.1 for tests: a fresh storage directory, a generated config that
/// scrapes the given targets every second, readiness polled with a deadline, and a SIGKILL + wait on stop.
///
/// The first non-empty `rate()` answer comes after about 7 s (targets are handed to the scraper every 5 s,
/// then `rate()` needs two samples): use ``waitForValue(_:deadline:)`` rather than sleeping.
public final class PrometheusServer: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards; `stop()` is idempotent via `stopped`
    // guarded by `lock`.
    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with the log tail.
        public var description: String
    }

    /// The `prometheus` binary, or `nil` when it is not installed.
    public static var binary: String? { SandboxProcessRunner.which("prometheus") }

    /// The listen port.
    public let port: UInt16
    /// The working directory (config, storage, log); removed on stop.
    public let directory: URL
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts Prometheus scraping `targets` (`host:port`) at `metricsPath` every `scrapeInterval`; waits until
    /// `/-/ready` answers (at most `readyTimeout` seconds). Retries on another port if the chosen one was taken.
    public init(
        scrapeTargets targets: [String], metricsPath: String = "/metrics", scrapeInterval: String = "1s",
        readyTimeout: Double = 15
    ) async throws {
        guard let binary = Self.binary else { throw StartError(description: "prometheus is not installed") }
        var lastError = ""
        for _ in 0..<3 {
            let port = try Self.freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prom-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
            let quoted = targets.map { "'\($0)'" }.joined(separator: ", ")
            let config = """
                global:
                  scrape_interval: \(scrapeInterval)
                  evaluation_interval: \(scrapeInterval)
                scrape_configs:
                  - job_name: exporter
                    metrics_path: \(metricsPath)
                    static_configs:
                      - targets: [\(quoted)]
                """
            try Data(config.utf8).write(to: dir.appendingPathComponent("prometheus.yml"))
            let logURL = dir.appendingPathComponent("prometheus.log")
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let log = try FileHandle(forWritingTo: logURL)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = [
                "--config.file=\(dir.appendingPathComponent("prometheus.yml").path)",
                "--storage.tsdb.path=\(dir.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
            p.standardOutput = log
            p.standardError = log
            p.standardInput = FileHandle.nullDevice
            try p.run()
            try? log.close()  // the child keeps its own descriptor
            let storage = dir.appendingPathComponent("data").path
            if await Self.waitReady(process: p, port: port, storage: storage, timeout: readyTimeout) {
                self.port = port
                self.directory = dir
                self.process = p
                return
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            lastError = (try? String(contentsOf: logURL, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
            try? FileManager.default.removeItem(at: dir)  // best effort: a temp dir
        }
        throw StartError(description: "prometheus did not become ready; log tail:\n\(lastError)")
    }

    deinit { stop() }

    /// Kills the server (SIGKILL, then waits) and removes its directory. Safe to call twice.
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)  // best effort: a temp dir
    }

    /// A free TCP port on 127.0.0.1 (bound to port 0, then released).
    public static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw StartError(description: "bind() failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard named == 0 else { throw StartError(description: "getsockname() failed") }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Ready when `/-/ready` answers 200 and the answering server is ours (its storage path is the one we gave):
    /// a stale Prometheus holding the port would otherwise answer for a process that failed to bind.
    static func waitReady(process: Process, port: UInt16, storage: String, timeout: Double) async -> Bool {
        guard let client = try? CurlHTTPClient(maxConcurrentRequests: 1) else { return false }
        let base = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { return false }
            let r = try? await client.send(HTTPRequest(url: base + "/-/ready", timeout: .seconds(1)))
            if r?.status == 200,
                let flags = try? await client.send(HTTPRequest(url: base + "/api/v1/status/flags", timeout: .seconds(1))),
                let json = try? JSONSerialization.jsonObject(with: flags.body) as? [String: Any],
                let data = json["data"] as? [String: Any]
            {
                return (data["storage.tsdb.path"] as? String) == storage && process.isRunning
            }
            try? await Task.sleep(for: .milliseconds(100))  // polling interval; cancellation just ends early
        }
        return false
    }

    /// Polls an instant query until it yields a number that `accept` takes (or the deadline passes); returns the
    /// last value seen, `nil` if none.
    public func waitForValue(
        _ query: String, deadline seconds: Double = 20, accept: @Sendable (Double) -> Bool = { !$0.isNaN }
    ) async -> Double? {
        guard let client = try? CurlHTTPClient(maxConcurrentRequests: 1) else { return nil }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? query
        let end = Date().addingTimeInterval(seconds)
        var last: Double?
        while Date() < end {
            if let r = try? await client.send(
                HTTPRequest(url: "\(baseURL)/api/v1/query?query=\(encoded)", timeout: .seconds(2))),
                let json = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
                let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                let value = result.first?["value"] as? [Any], value.count == 2, let s = value[1] as? String,
                let v = Double(s)
            {
                last = v
                if accept(v) { return v }
            }
            try? await Task.sleep(for: .milliseconds(250))  // polling interval
        }
        return last
    }
}
