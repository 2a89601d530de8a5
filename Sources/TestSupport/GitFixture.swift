import Foundation

/// A real Git repository built with the `git` CLI in a unique temporary directory.
///
/// ```swift
/// let fixture = try GitFixture()
/// try fixture.write("apps/podinfo/deploy.yaml", "apiVersion: apps/v1\n...")
/// let first = try fixture.commit("add podinfo")
/// try fixture.git("tag", "-a", "v1", "-m", "release 1")
/// ```
/// Commits get fixed, increasing dates so tests can assert commit times. ``remove()`` deletes everything.
public final class GitFixture: @unchecked Sendable {
    // @unchecked: the counter is only used from the test that owns the fixture.
    /// The temporary directory holding the work tree and anything the test adds.
    public let root: String
    /// The (non-bare) repository's work tree.
    public let work: String
    private var commits = 0

    /// The author every commit gets.
    public static let authorName = "Ada Canary"
    /// The author's e-mail.
    public static let authorEmail = "ada@example.com"
    /// Seconds since 1970 of the first commit; each next commit is 60 s later.
    public static let firstCommitTime = 1_767_225_600  // 2026-01-01T00:00:00Z

    /// Creates an empty repository whose initial branch is `branch`.
    public init(branch: String = "main") throws {
        root = NSTemporaryDirectory() + "gitcanary-fixture-\(UUID().uuidString)"
        work = root + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try git("init", "-q", "-b", branch)
    }

    /// The environment every `git` command runs with: no user or system configuration, fixed identity.
    public var environment: [String: String] {
        let date = "\(GitFixture.firstCommitTime + commits * 60) +0000"
        return [
            "HOME": root, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_NAME": GitFixture.authorName, "GIT_AUTHOR_EMAIL": GitFixture.authorEmail,
            "GIT_COMMITTER_NAME": GitFixture.authorName, "GIT_COMMITTER_EMAIL": GitFixture.authorEmail,
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        ]
    }

    /// Runs `git` in the work tree and returns its output without the trailing newline.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try git(arguments)
    }

    /// Runs `git` in the work tree and returns its output without the trailing newline.
    @discardableResult
    public func git(_ arguments: [String], in directory: String? = nil) throws -> String {
        let out = try GitTestProcess.run("git", arguments, directory: directory ?? work, environment: environment)
        return out.hasSuffix("\n") ? String(out.dropLast()) : out
    }

    /// Writes a text file (creating directories).
    public func write(_ path: String, _ text: String) throws { try write(path, bytes: Array(text.utf8)) }

    /// Writes a file's bytes (creating directories).
    public func write(_ path: String, bytes: [UInt8]) throws {
        let full = work + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Creates a symbolic link at `path` pointing to `target`.
    public func symlink(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: work + "/" + path, withDestinationPath: target)
    }

    /// Deletes a file or directory from the work tree.
    public func delete(_ path: String) throws { try FileManager.default.removeItem(atPath: work + "/" + path) }

    /// Stages everything and commits; returns the new commit's full SHA.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        commits += 1
        return try git("rev-parse", "HEAD")
    }

    /// A bare copy of the repository at `root/served/<name>.git` (what the servers serve); returns its path.
    @discardableResult
    public func publish(as name: String = "repo") throws -> String {
        let served = root + "/served"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let path = served + "/\(name).git"
        if FileManager.default.fileExists(atPath: path) {
            try git(["push", "-q", "--force", "--mirror", path])
        } else {
            try git(["clone", "-q", "--bare", work, path], in: root)
        }
        return path
    }

    /// The directory published repositories live in (`--base-path` / `GIT_PROJECT_ROOT`).
    public var servedRoot: String { root + "/served" }

    /// A fresh directory under the fixture's root (for caches, certificates, logs).
    public func scratch(_ name: String) throws -> String {
        let path = root + "/" + name + "-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes the temporary directory.
    public func remove() { try? FileManager.default.removeItem(atPath: root) }  // best effort in test teardown
}
