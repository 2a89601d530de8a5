import Foundation

/// Loopback Git servers for tests: `git daemon` (git://), smart HTTP through `git http-backend` behind a tiny
/// Python server (optionally requiring basic authentication), and TLS in front of either with `socat`.
public enum GitServers {
    /// Starts `git daemon` serving every repository under `basePath` on 127.0.0.1 (random port, retried).
    public static func daemon(basePath: String, logDirectory: String) throws -> GitTestServer {
        // Run `git-daemon` itself, not the `git daemon` wrapper: killing the wrapper orphans the real daemon, and
        // Foundation's waitUntilExit() then never returns.
        let execPath = try GitTestProcess.run("git", ["--exec-path"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<10 {
            let port = GitTestProcess.randomPort()
            if let server = try GitTestServer.start(
                execPath + "/git-daemon",
                ["--base-path=\(basePath)", "--export-all", "--listen=127.0.0.1", "--port=\(port)", "--reuseaddr", "--informative-errors", basePath],
                port: port, logFile: logDirectory + "/git-daemon-\(port).log")
            { return server }
        }
        throw GitTestProcess.Failure(command: "git daemon", status: -1, stderr: "no free port after 10 tries")
    }

    /// Starts the smart-HTTP server for repositories under `projectRoot`; with `username`/`password` it answers 401
    /// to requests without those basic credentials.
    public static func http(projectRoot: String, logDirectory: String, username: String? = nil, password: String? = nil) throws -> GitTestServer {
        let script = logDirectory + "/git-http-server.py"
        if !FileManager.default.fileExists(atPath: script) {
            guard FileManager.default.createFile(atPath: script, contents: Data(GitHTTPBackendScript.source.utf8)) else {
                throw CocoaError(.fileWriteUnknown)
            }
        }
        var env: [String: String] = [:]
        if let username, let password { env["AUTH_USER"] = username; env["AUTH_PASS"] = password }
        for _ in 0..<10 {
            let port = GitTestProcess.randomPort()
            if let server = try GitTestServer.start(
                "python3", [script, projectRoot, String(port)], port: port, logFile: logDirectory + "/git-http-\(port).log", environment: env)
            { return server }
        }
        throw GitTestProcess.Failure(command: "python3 git-http-server.py", status: -1, stderr: "no free port after 10 tries")
    }

    /// Starts `socat` terminating TLS with `certificates` and forwarding to 127.0.0.1:`backendPort`.
    public static func tls(backendPort: Int, certificates: GitTestCertificates, logDirectory: String) throws -> GitTestServer {
        for _ in 0..<10 {
            let port = GitTestProcess.randomPort()
            let listen = "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(certificates.serverCertificate),key=\(certificates.serverKey),verify=0"
            if let server = try GitTestServer.start(
                "socat", [listen, "TCP:127.0.0.1:\(backendPort)"], port: port, logFile: logDirectory + "/socat-\(port).log")
            { return server }
        }
        throw GitTestProcess.Failure(command: "socat", status: -1, stderr: "no free port after 10 tries")
    }
}

/// A throwaway CA and a server certificate for `DNS:localhost` (libgit2 with mbedTLS cannot verify IP hosts),
/// made with `openssl`.
public struct GitTestCertificates: Sendable {
    /// PEM of the CA certificate (what clients trust).
    public let caCertificate: String
    /// PEM of the server certificate.
    public let serverCertificate: String
    /// PEM of the server key.
    public let serverKey: String

    /// Creates the CA and the server certificate in `directory`.
    public init(directory: String) throws {
        caCertificate = directory + "/ca.pem"
        serverCertificate = directory + "/server.pem"
        serverKey = directory + "/server.key"
        let caKey = directory + "/ca.key", csr = directory + "/server.csr", ext = directory + "/server.ext"
        try GitTestProcess.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey, "-out", caCertificate, "-days", "2", "-subj", "/CN=GitCanary Test CA"])
        try GitTestProcess.run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", serverKey, "-out", csr, "-subj", "/CN=localhost"])
        try "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        try GitTestProcess.run("openssl", ["x509", "-req", "-in", csr, "-CA", caCertificate, "-CAkey", caKey, "-CAcreateserial", "-out", serverCertificate, "-days", "2", "-extfile", ext])
    }
}
