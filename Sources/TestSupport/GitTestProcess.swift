import Foundation

/// Runs short commands (`git`, `openssl`) and starts loopback servers for Git tests.
///
/// Output goes to files, never to pipes nobody drains; servers are stopped with SIGKILL + `waitUntilExit()`
/// because children started from Swift Testing threads ignore SIGTERM (toolchain-notes, pitfall 2).
public enum GitTestProcess {
    /// A command that exited with a non-zero status.
    public struct Failure: Error, CustomStringConvertible {
        /// The command line.
        public var command: String
        /// Exit status.
        public var status: Int32
        /// Its standard error.
        public var stderr: String
        /// `command: exit N: stderr`.
        public var description: String { "\(command): exit \(status): \(stderr)" }
    }

    /// Runs `executable` (looked up on PATH when not absolute) and returns its standard output.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:],
        input: Data? = nil
    ) throws -> String {
        let scratch = NSTemporaryDirectory() + "gitcanary-proc-\(UUID().uuidString)"
        let outPath = scratch + ".out", errPath = scratch + ".err", inPath = scratch + ".in"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: input ?? Data())
        defer { for p in [outPath, errPath, inPath] { try? FileManager.default.removeItem(atPath: p) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolve(executable))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = FileHandle(forReadingAtPath: inPath)
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus, stderr: err)
        }
        return out
    }

    /// The absolute path of a command on PATH (or the argument when absolute or not found).
    public static func resolve(_ executable: String) -> String {
        if executable.hasPrefix("/") { return executable }
        return which(executable) ?? executable
    }

    /// The absolute path of a command on PATH, or `nil`.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A random high port (callers retry when it turns out to be taken).
    public static func randomPort() -> Int { Int.random(in: 20_000...60_000) }
}

/// A background server process started for a test; ``stop()`` kills it with SIGKILL and reaps it.
public final class GitTestServer: @unchecked Sendable {
    // @unchecked: `process` is only touched by start (before sharing) and by stop(), which is idempotent.
    private let process: Process
    /// The loopback port it listens on.
    public let port: Int
    /// Its log file (stdout and stderr).
    public let logFile: String

    init(process: Process, port: Int, logFile: String) {
        self.process = process
        self.port = port
        self.logFile = logFile
    }

    /// Starts `executable` and waits until `port` accepts connections (or the process exits, or 10 s pass).
    static func start(_ executable: String, _ arguments: [String], port: Int, logFile: String, environment: [String: String] = [:])
        throws -> GitTestServer?
    {
        // A port something else already listens on would pass the readiness check below while this server fails to
        // bind it (a test then talks to another test's server: "early EOF"): the caller retries with another port.
        if GitTestProcess.isListening(port: port) { return nil }
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GitTestProcess.resolve(executable))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = FileHandle(forWritingAtPath: logFile)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let server = GitTestServer(process: process, port: port, logFile: logFile)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !process.isRunning { return nil }  // most likely the port was taken: the caller retries
            if GitTestProcess.isListening(port: port) {
                // A server that failed to bind exits at once: make sure it is this one that listens.
                usleep(20_000)
                if process.isRunning { return server }
                return nil
            }
            usleep(10_000)
        }
        server.stop()
        return nil
    }

    /// Kills the server (SIGKILL) and waits for it.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
