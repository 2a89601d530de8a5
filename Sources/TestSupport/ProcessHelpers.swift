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

/// The result of a short command run to completion.
public struct CommandResult: Sendable {
    /// The exit status.
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
}

/// Errors of the test helpers.
public struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Runs short-lived commands (openssl, git) to completion, output captured through files.
public enum Command {
    /// Runs `executable arguments` in `directory`; throws when it cannot start or (with `check`) exits non-zero.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, check: Bool = true,
        environment: [String: String]? = nil
    ) throws -> CommandResult {
        let tmp = try TemporaryDirectory(prefix: "cmd")
        defer { tmp.remove() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { p.environment = environment }
        let out = tmp.path + "/out"
        let err = tmp.path + "/err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let result = CommandResult(
            status: p.terminationStatus, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        if check, result.status != 0 {
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// The absolute path of a program on PATH, or `nil`.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A unique temporary directory; call ``remove()`` when done.
public struct TemporaryDirectory: Sendable {
    /// Its absolute path.
    public let path: String

    /// Creates `/tmp/gitcanary-<prefix>-<uuid>`.
    public init(prefix: String = "test") throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("gitcanary-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes a file inside (creating directories) and returns its path.
    ///
    /// The file is written through an `O_CLOEXEC` descriptor, so a process another test spawns at that moment does
    /// not keep it open for writing (which makes executing the file fail with ETXTBSY).
    @discardableResult
    public func write(_ relativePath: String, _ contents: String, executable: Bool = false) throws -> String {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard fd >= 0 else { throw TestSupportError("cannot create \(full): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw TestSupportError("cannot write \(full): errno \(errno)") }
        return full
    }

    /// Deletes it and everything inside.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

