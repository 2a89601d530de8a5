import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
