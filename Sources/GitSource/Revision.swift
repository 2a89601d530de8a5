import Foundation

/// The commit a fetch resolved the configured ref to. Its ``commit`` is what the engine records as "the revision".
public struct Revision: Sendable, Hashable, Codable {
    /// Full commit SHA (40 hex digits).
    public var commit: String
    /// The ref as configured (`main`, `v1.2.0`, `3f2a9c1`), or `HEAD` when none was given.
    public var ref: String
    /// The ref as resolved: `refs/heads/main`, `refs/tags/v1.2.0`, or the full commit for a commit ref.
    public var resolvedRef: String
    /// Committer time.
    public var commitTime: Date
    /// Author as `Name <email>`.
    public var author: String
    /// First line of the commit message.
    public var subject: String

    /// Creates a revision.
    public init(commit: String, ref: String, resolvedRef: String, commitTime: Date, author: String, subject: String) {
        self.commit = commit
        self.ref = ref
        self.resolvedRef = resolvedRef
        self.commitTime = commitTime
        self.author = author
        self.subject = subject
    }

    /// The first 12 digits of the commit, for display.
    public var shortCommit: String { String(commit.prefix(12)) }
}

/// What a fetch transferred, from libgit2's transfer statistics.
public struct TransferStats: Sendable, Hashable, Codable {
    /// Objects received from the remote (0 when nothing was downloaded).
    public var receivedObjects: Int
    /// Objects indexed into the cache.
    public var indexedObjects: Int
    /// Objects the remote sent as deltas against objects already in the cache.
    public var localObjects: Int
    /// Bytes received.
    public var receivedBytes: Int

    /// Creates stats (all zero by default).
    public init(receivedObjects: Int = 0, indexedObjects: Int = 0, localObjects: Int = 0, receivedBytes: Int = 0) {
        self.receivedObjects = receivedObjects
        self.indexedObjects = indexedObjects
        self.localObjects = localObjects
        self.receivedBytes = receivedBytes
    }
}

/// The outcome of ``GitSource/fetch()``.
public struct FetchResult: Sendable, Hashable {
    /// The resolved revision.
    public var revision: Revision
    /// What was transferred (all zero when the cache already had the commit).
    public var stats: TransferStats
    /// How the cache was used.
    public var cache: CacheOutcome

    /// Creates a result.
    public init(revision: Revision, stats: TransferStats, cache: CacheOutcome) {
        self.revision = revision
        self.stats = stats
        self.cache = cache
    }

    /// How a fetch used the local cache.
    public enum CacheOutcome: String, Sendable, Hashable, Codable {
        /// The cache was empty: everything was cloned.
        case cloned
        /// The cache already had the commit: nothing was downloaded.
        case upToDate
        /// New objects were fetched into the cache.
        case fetched
        /// The cache was damaged, removed and cloned again.
        case recloned
    }
}
