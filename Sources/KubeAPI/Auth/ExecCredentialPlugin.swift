import Foundation
import Resources

/// The credential an exec plugin returned.
struct ExecCredential: Sendable {
    /// `status.token`.
    var token: Redacted?
    /// `status.clientCertificateData` (PEM).
    var clientCertificate: Data?
    /// `status.clientKeyData` (PEM).
    var clientKey: Redacted?
    /// `status.expirationTimestamp`; `nil` means it does not expire during the run.
    var expiration: Date?
}

/// Runs a kubeconfig `exec` plugin the way kubectl does and decodes its `ExecCredential`.
///
/// The plugin gets the process environment plus its `env`, and `KUBERNETES_EXEC_INFO` describing the request.
/// GitCanary runs unattended, so stdin is never a terminal: `interactiveMode: Always` is refused with a clear error.
struct ExecCredentialPlugin: Sendable {
    let config: ExecConfig
    let environment: [String: String]
    let server: String
    let source: String

    func run() throws(KubeConfigError) -> ExecCredential {
        if config.interactiveMode == "Always" {
            throw KubeConfigError(
                source: source,
                message: "exec plugin \(config.command) requires interactiveMode Always, but gitcanary runs without a terminal")
        }
        let process = Process()
        if config.command.contains("/") {
            process.executableURL = URL(fileURLWithPath: config.command)
            process.arguments = config.args
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [config.command] + config.args
        }
        var env = environment
        for e in config.env { env[e.name] = e.value }
        var info: JSONValue = [
            "apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": ["interactive": false],
        ]
        if config.provideClusterInfo { info.set(.string(server), at: ["spec", "cluster", "server"]) }
        env["KUBERNETES_EXEC_INFO"] = JSONWriter.string(info)
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try Self.launch(process)
        } catch {
            let hint = config.installHint.isEmpty ? "" : "\n\(config.installHint)"
            throw KubeConfigError(source: source, message: "cannot run exec plugin \(config.command): \(error.localizedDescription)\(hint)")
        }
        // Drain stderr on another thread so a chatty plugin cannot block on a full pipe while we read stdout.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let stderr = String(decoding: stderrBox.get().prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let detail = stderr.isEmpty ? "(no output on stderr)" : "stderr:\n\(stderr)"
            let hint = process.terminationStatus == 127 && !config.installHint.isEmpty ? "\n\(config.installHint)" : ""
            throw KubeConfigError(
                source: source,
                message: "exec plugin \(config.command) failed with exit status \(process.terminationStatus); \(detail)\(hint)")
        }
        return try decode(stdout)
    }

    /// Starts the process, retrying briefly: a plugin binary that was just written (a fresh download, a test) can
    /// still be open for writing in a concurrently spawned process, and exec then fails with ETXTBSY for a moment.
    private static func launch(_ process: Process) throws {
        var attempt = 0
        while true {
            do {
                try process.run()
                return
            } catch {
                attempt += 1
                if attempt >= 3 { throw error }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    private func decode(_ data: Data) throws(KubeConfigError) -> ExecCredential {
        let value: JSONValue
        do {
            value = try JSONParser.parse([UInt8](data))
        } catch {
            throw KubeConfigError(source: source, message: "exec plugin \(config.command) printed something that is not JSON (\(error))")
        }
        guard value["kind"]?.stringValue == "ExecCredential" else {
            throw KubeConfigError(source: source, message: "exec plugin \(config.command) did not print an ExecCredential")
        }
        guard value["apiVersion"]?.stringValue == config.apiVersion else {
            throw KubeConfigError(
                source: source,
                message: "exec plugin \(config.command) answered apiVersion \(value["apiVersion"]?.stringValue ?? "none"), "
                    + "but the kubeconfig asked for \(config.apiVersion)")
        }
        let status = value["status"]
        var credential = ExecCredential()
        credential.token = status?["token"]?.stringValue.flatMap { $0.isEmpty ? nil : Redacted($0) }
        credential.clientCertificate = status?["clientCertificateData"]?.stringValue.map { Data($0.utf8) }
        credential.clientKey = status?["clientKeyData"]?.stringValue.map(Redacted.init)
        if let ts = status?["expirationTimestamp"]?.stringValue {
            guard let date = RFC3339.parse(ts) else {
                throw KubeConfigError(source: source, message: "exec plugin \(config.command): bad expirationTimestamp \(ts)")
            }
            credential.expiration = date
        }
        guard credential.token != nil || (credential.clientCertificate != nil && credential.clientKey != nil) else {
            throw KubeConfigError(
                source: source,
                message: "exec plugin \(config.command) returned neither status.token nor clientCertificateData + clientKeyData")
        }
        return credential
    }
}

/// A thread-safe holder for bytes read on another thread.
private final class DataBox: @unchecked Sendable {
    // Guarded by `lock`.
    private var data = Data()
    private let lock = NSLock()
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
}

/// RFC 3339 timestamps as Kubernetes writes them (`2026-01-02T03:04:05Z`, optional fraction and offset).
enum RFC3339 {
    /// Parses a timestamp.
    static func parse(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}
