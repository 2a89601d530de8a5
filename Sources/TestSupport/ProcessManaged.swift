import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process a test started: output goes to files (never to undrained pipes), and ``stop()`` (or deinit)
/// sends SIGKILL and reaps it, because children started off the main thread ignore SIGTERM
/// (toolchain-notes "Pitfalls" 2).
///
/// Foundation learns that a child ended only when every holder of its internal status descriptor is gone, so
/// `stop()` also waits for grandchildren the process forked (socat `fork,EXEC:...`): keep such grandchildren
/// short-lived, or use ``SilentListener`` instead of a helper that sleeps.
///
/// ```swift
/// let server = try ManagedProcess.start("/usr/bin/socat", ["TCP-LISTEN:0", "..."], logDirectory: tmp.path)
/// defer { server.stop() }
/// ```
public final class ManagedProcess: @unchecked Sendable {
    // `process` is only touched under `lock`.
    private let process: Process
    private let lock = NSLock()
    /// The process id.
    public let pid: Int32
    /// The file receiving stdout.
    public let stdoutPath: String
    /// The file receiving stderr.
    public let stderrPath: String
    /// The command line, for messages.
    public let commandLine: String

    private init(process: Process, stdoutPath: String, stderrPath: String, commandLine: String) {
        self.process = process
        pid = process.processIdentifier
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.commandLine = commandLine
    }

    /// Starts `executable` with `arguments`; stdout/stderr go to `<name>.out`/`.err` files in `logDirectory`.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, logDirectory: String,
        name: String? = nil
    ) throws -> ManagedProcess {
        let base = logDirectory + "/" + (name ?? URL(fileURLWithPath: executable).lastPathComponent) + "-" + UUID().uuidString.prefix(8)
        let out = base + ".out"
        let err = base + ".err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return ManagedProcess(
            process: p, stdoutPath: out, stderrPath: err, commandLine: ([executable] + arguments).joined(separator: " "))
    }

    /// Whether it is still running.
    public var isRunning: Bool { lock.withLock { process.isRunning } }

    /// What it wrote to stderr so far (for failure messages).
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// What it wrote to stdout so far.
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// SIGKILL and reap; safe to call more than once.
    public func stop() {
        lock.withLock {
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
