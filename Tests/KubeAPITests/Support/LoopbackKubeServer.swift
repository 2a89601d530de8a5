import Foundation
import KubeAPI
import Resources
import TestSupport

/// The Python loopback API server (see KubeServerScript.swift) as a test fixture: a fresh in-memory cluster per
/// instance on a free port, killed by ``stop()``.
final class LoopbackKubeServer: Sendable {
    let port: Int
    let directory: TemporaryDirectory
    private let process: ManagedProcess

    /// Starts the server; `token` makes it require `Authorization: Bearer <token>`; `forbid` lists `verb:resource`
    /// pairs (e.g. `list:canaries.flagger.app`) it answers with 403.
    /// `dateOffset` shifts the `Date` header (a server with a skewed clock).
    init(token: String? = nil, forbid: [String] = [], dateOffset: Int = 0) async throws {
        guard let python = Command.which("python3") else { throw TestSupportError("python3 is not installed") }
        directory = try TemporaryDirectory(prefix: "kube")
        let script = try directory.write("kube_server.py", kubeServerScript)
        let portFile = directory.path + "/port"
        var args = [script, portFile]
        if let token { args += ["--token", token] }
        for f in forbid { args += ["--forbid", f] }
        if dateOffset != 0 { args += ["--date-offset", String(dateOffset)] }
        let process = try ManagedProcess.start(python, args, logDirectory: directory.path, name: "kube-server")
        self.process = process
        // Poll without blocking a cooperative thread: many servers start at once on a small machine.
        var port = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while port == 0, process.isRunning, ContinuousClock.now < deadline {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
            if port == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard port > 0 else {
            process.stop()
            self.port = 0
            throw TestSupportError("the loopback API server did not start: \(process.stderr)")
        }
        self.port = port
    }

    /// `http://127.0.0.1:<port>`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Kills the server and removes its directory.
    func stop() {
        process.stop()
        directory.remove()
    }

    /// A client for this server with fast retries.
    func client(http: any HTTPClient, credentials: KubeCredentials = .none, server: String? = nil, tls: TLSOptions = TLSOptions(),
                retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(1), sleep: { _ in })) -> KubeClient {
        KubeClient(
            configuration: KubeClientConfiguration(
                server: server ?? url, tls: tls, credentials: credentials, namespace: "default",
                source: "test server", identity: "test identity", timeout: .seconds(10)),
            http: http, retry: retry)
    }

    /// The server's request log (method, path, contentType, authorization, userAgent per request).
    func requests(http: any HTTPClient) async throws -> [JSONValue] {
        let r = try await http.send(HTTPRequest(url: url + "/_requests"))
        return try JSONParser.parse([UInt8](r.body)).arrayValue ?? []
    }

    /// Makes the next `count` API requests fail with `code` (and `Retry-After: retryAfter` when given).
    func injectFailures(_ count: Int, code: Int, retryAfter: Int? = nil, http: any HTTPClient) async throws {
        var url = self.url + "/_fail?count=\(count)&code=\(code)"
        if let retryAfter { url += "&retryAfter=\(retryAfter)" }
        _ = try await http.send(HTTPRequest(method: "POST", url: url))
    }
}
