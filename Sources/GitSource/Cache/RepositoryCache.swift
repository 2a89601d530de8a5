import Foundation
import Logging

/// The on-disk cache of one remote: a bare repository `<root>/<key>.git` guarded by `<root>/<key>.lock`.
///
/// The cache is an optimisation, never a source of truth: when it cannot be opened, or its references point at
/// objects it does not hold, it is removed and cloned again.
struct RepositoryCache {
    let root: String
    let key: String

    var repositoryPath: String { (root as NSString).appendingPathComponent(key + ".git") }
    var lockPath: String { (root as NSString).appendingPathComponent(key + ".lock") }

    /// Creates the cache root when missing.
    func prepareRoot() throws(GitSourceError) {
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw GitSourceError(.cache, "cannot create the cache directory \(root): \(error.localizedDescription); set --cache-dir to a writable directory")
        }
    }

    func lock(exclusive: Bool, deadline: ContinuousClock.Instant?) throws(GitSourceError) -> CacheLock {
        try prepareRoot()
        return try CacheLock(path: lockPath, exclusive: exclusive, deadline: deadline)
    }

    /// How ``openOrCreate(logger:)`` found the cache.
    enum Opened { case existing, created, repaired }

    /// Opens the cached repository, creating it when absent and re-creating it when damaged.
    /// Call with the exclusive lock held.
    func openOrCreate(logger: Logger) throws(GitSourceError) -> (GitRepository, Opened) {
        let path = repositoryPath
        var opened = Opened.created
        if FileManager.default.fileExists(atPath: path) {
            do {
                let repo = try GitRepository.openBare(at: path)
                if let problem = damage(in: repo) {
                    logger.warning("git cache is damaged; cloning again", metadata: ["cache": "\(path)", "problem": "\(problem)"])
                } else {
                    return (repo, .existing)
                }
            } catch {
                logger.warning("git cache cannot be opened; cloning again", metadata: ["cache": "\(path)", "error": "\(error)"])
            }
            try remove()
            opened = .repaired
        }
        do {
            return (try GitRepository.initBare(at: path), opened)
        } catch {
            throw GitSourceError(.cache, "cannot create the cache repository \(path); check --cache-dir", gitFailure: error.description)
        }
    }

    /// Opens the cached repository for reading (no repair: a reader reports damage, the next fetch repairs it).
    func openForReading() throws(GitSourceError) -> GitRepository {
        do {
            return try GitRepository.openBare(at: repositoryPath)
        } catch {
            throw GitSourceError(.cache, "the git cache \(repositoryPath) cannot be opened; run a fetch first", gitFailure: error.description)
        }
    }

    /// Removes the cached repository.
    func remove() throws(GitSourceError) {
        do {
            if FileManager.default.fileExists(atPath: repositoryPath) { try FileManager.default.removeItem(atPath: repositoryPath) }
        } catch {
            throw GitSourceError(.cache, "cannot remove the damaged cache \(repositoryPath): \(error.localizedDescription)")
        }
    }

    /// A description of the first problem found, or `nil` when every reference resolves to a readable commit.
    private func damage(in repo: GitRepository) -> String? {
        let refs: [(name: String, target: ObjectID?)]
        do { refs = try repo.references() } catch { return error.description }
        for ref in refs where ref.name.hasPrefix("refs/remotes/") || ref.name.hasPrefix("refs/tags/") {
            guard let target = ref.target else { return "\(ref.name) does not resolve" }
            do { _ = try repo.peelToCommit(target) } catch { return "\(ref.name): \(error)" }
        }
        return nil
    }
}
