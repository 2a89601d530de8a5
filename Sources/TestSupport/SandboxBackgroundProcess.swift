import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running helper server for tests (Prometheus, ...): output goes to a log file, ``stop()`` sends SIGKILL
/// and waits (SIGTERM is ignored by children started from Swift Testing threads, see toolchain-notes).
public final class SandboxBackgroundProcess: @unchecked Sendable {
    // `process` is only touched in init and stop(); stop() is idempotent through the lock.
    private let process: Process
    private let lock = NSLock()
    private var stopped = false
    /// Where the process's stdout and stderr go.
    public let logPath: String

    /// Starts `executable` with `arguments`, logging to `logPath`.
    public init(_ executable: String, _ arguments: [String], logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The process id.
    public var pid: Int32? { process.isRunning ? process.processIdentifier : nil }

    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }

    /// The log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Kills the process (SIGKILL) and waits for it to exit.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, release it).
    public static func freePort() -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: actual.sin_port)
    }
}
