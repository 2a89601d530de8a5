import Foundation
import Resources
import Sandbox

/// An in-process Sandbox on a free port with a scratch directory holding its kubeconfig, a fresh HOME and a
/// kubectl discovery cache, so every test talks to its own cluster. Call ``stop()`` when done.
public final class SandboxHarness: Sendable {
    /// The running Sandbox.
    public let sandbox: Sandbox
    /// The scratch directory (removed by ``stop()``).
    public let directory: String
    /// The kubeconfig path.
    public let kubeconfig: String
    /// The bearer token, when auth is on.
    public let token: String?

    /// Starts a Sandbox (with a bearer token when `token` is set; in RBAC mode with `rbac`, the token then being
    /// the admin's, generated when nil) and writes its kubeconfig.
    public init(token: String? = nil, rbac: Bool = false) throws {
        var options = Sandbox.Options(token: token)
        options.rbac = rbac
        sandbox = try Sandbox(options: options)
        self.token = sandbox.adminToken
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/home", withIntermediateDirectories: true)
        kubeconfig = directory + "/kubeconfig"
        try sandbox.writeKubeconfig(to: kubeconfig)
    }

    /// Stops the Sandbox and removes the scratch directory.
    public func stop() {
        sandbox.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes a file into the scratch directory and returns its path.
    public func file(_ name: String, _ contents: String) throws -> String {
        let path = directory + "/" + name
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs kubectl against the Sandbox with a fresh discovery cache per call.
    public func kubectl(_ tool: KubectlTool, _ arguments: [String], stdin: String? = nil) throws -> SandboxProcessRunner.Result {
        let cache = directory + "/cache-\(UUID().uuidString)"
        return try SandboxProcessRunner.run(
            tool.path, ["--kubeconfig", kubeconfig, "--cache-dir", cache] + arguments,
            environment: ["HOME": directory + "/home", "KUBECONFIG": kubeconfig], stdin: stdin, timeout: 30)
    }

    /// One HTTP request through the `curl` CLI: the status code and the body parsed as JSON (`.null` if not JSON).
    public func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
        authorized: Bool = true, timeout: Double = 10
    ) throws -> (status: Int, json: JSONValue, text: String) {
        var args = ["-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", "-m", String(timeout)]
        if let token, authorized { args += ["-H", "Authorization: Bearer \(token)"] }
        if body != nil {
            args += ["-H", "Content-Type: \(contentType)", "--data-binary", "@-"]
        }
        args.append(sandbox.apiURL + path)
        let result = try SandboxProcessRunner.run("/usr/bin/curl", args, stdin: body, timeout: timeout + 5)
        var text = result.stdout
        var status = 0
        if let newline = text.lastIndex(of: "\n") {
            status = Int(text[text.index(after: newline)...]) ?? 0
            text = String(text[..<newline])
        }
        let json = (try? JSONParser.parse(text)) ?? .null
        return (status, json, text)
    }
}
