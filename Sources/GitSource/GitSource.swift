import Foundation
import Logging

/// The Git repository that declares the desired state: where it is, which ref and path to read, where to cache
/// it, how to authenticate, and how long network operations may take.
///
/// ```swift
/// let source = try GitSource(repository: "https://git.example.com/team/deploy.git", ref: "main", path: "prod")
/// let fetched = try await source.fetch(logger: logger)           // ls-remote; downloads only when needed
/// let set = try await source.manifests(at: fetched.revision, logger: logger)
/// for error in set.errors { print(error) }                        // one bad file never hides the others
/// ```
///
/// libgit2 calls block; ``fetch(logger:)`` and ``manifests(at:path:logger:)`` run them on a dedicated thread, so
/// they never block Swift's cooperative pool.
public struct GitSource: Sendable {
    /// The repository (URL or local path).
    public var repository: RepositoryLocation
    /// Branch, tag, full or abbreviated commit; `nil` for the remote's default branch (its `HEAD`).
    public var ref: String?
    /// Directory (or single file) inside the repository to read, relative to its root; "" for the root.
    public var path: String
    /// Directory holding the bare caches, one per repository URL (see ``defaultCacheDirectory(environment:)``).
    public var cacheDirectory: String
    /// Credentials, known hosts and CA bundle.
    public var credentials: GitCredentials
    /// Time limit of one fetch (waiting for the cache lock included); `nil` for none.
    public var timeout: Duration?
    /// The `PATH` searched for `kustomize` or `kubectl` when a kustomization needs rendering; `nil` for the
    /// process's `PATH`.
    public var toolSearchPath: String?

    /// Creates a source. `repository` is parsed at once so a bad URL fails before any work.
    public init(
        repository: String, ref: String? = nil, path: String = "", cacheDirectory: String? = nil,
        credentials: GitCredentials = GitCredentials(), timeout: Duration? = .seconds(60), toolSearchPath: String? = nil
    ) throws(GitSourceError) {
        self.repository = try RepositoryLocation(repository)
        self.ref = ref.flatMap { $0.isEmpty ? nil : $0 }
        self.path = path
        self.cacheDirectory = cacheDirectory ?? GitSource.defaultCacheDirectory(environment: ProcessInfo.processInfo.environment)
        self.credentials = credentials
        self.timeout = timeout
        self.toolSearchPath = toolSearchPath
    }

    /// `$XDG_CACHE_HOME/gitcanary/git` when `XDG_CACHE_HOME` is set, else `<temp dir>/gitcanary-cache/git`
    /// (a CronJob pod starts empty either way; mount a volume there to keep the cache between runs).
    public static func defaultCacheDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return (xdg as NSString).appendingPathComponent("gitcanary/git")
        }
        return (NSTemporaryDirectory() as NSString).appendingPathComponent("gitcanary-cache/git")
    }

    /// Brings the cache up to date with the remote for ``ref`` and returns the resolved revision.
    ///
    /// Asks the remote for its refs first (one round trip) and transfers nothing when the cache already holds the
    /// commit; otherwise fetches only the ref's branch or tag (or all branches and tags for a commit not yet
    /// cached). The first run clones into the cache. Concurrent runs sharing the cache serialise on a file lock; a
    /// damaged cache is removed and cloned again.
    public func fetch(logger: Logger) async throws(GitSourceError) -> FetchResult {
        let source = self
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await BlockingWork.run(limit: timeout.map { $0 + .seconds(1) }, onTimeout: { source.timeoutError() }) {
            () throws(GitSourceError) in
            try FetchOperation(source: source, logger: logger, deadline: deadline).run()
        }
    }

    /// Reads the manifests at `revision` under `path` (default ``path``) straight from the cache's object
    /// database, without a checkout. Call ``fetch(logger:)`` first.
    ///
    /// Files that cannot be decoded are returned in ``ManifestSet/errors`` next to the manifests of every other
    /// file. Throws only when nothing sensible can be read: a missing path, an unreadable cache, or a
    /// kustomization that needs an external `kustomize` when none is installed.
    public func manifests(at revision: Revision, path: String? = nil, logger: Logger) async throws(GitSourceError) -> ManifestSet {
        let source = self
        let path = path ?? self.path
        return try await BlockingWork.run(limit: nil, onTimeout: { source.timeoutError() }) { () throws(GitSourceError) in
            try ManifestReading(source: source, logger: logger).read(revision: revision, path: path)
        }
    }

    func timeoutError() -> GitSourceError {
        let limit = timeout.map(RemoteCallbackState.format) ?? "the time limit"
        return GitSourceError(.timeout, "git operation against \(repository) did not finish within \(limit); raise --git-timeout or check the network")
    }
}
