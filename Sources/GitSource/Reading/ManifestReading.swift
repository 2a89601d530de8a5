import Foundation
import Logging
import Resources

/// Reads manifests at a commit straight from the cache's object database (no worktree), under a shared cache lock.
struct ManifestReading {
    let source: GitSource
    let logger: Logger

    func read(revision: Revision, path rawPath: String) throws(GitSourceError) -> ManifestSet {
        let cache = RepositoryCache(root: source.cacheDirectory, key: source.repository.cacheKey)
        let lock = try cache.lock(exclusive: false, deadline: source.timeout.map { ContinuousClock.now + $0 })
        defer { withExtendedLifetime(lock) {} }
        let repo = try cache.openForReading()
        guard let commit = ObjectID(hex: revision.commit) else {
            throw GitSourceError(.invalidConfiguration, "revision '\(revision.commit)' is not a full commit id")
        }
        let path = try ManifestReading.normalize(rawPath)
        let rootTree: ObjectID
        do { rootTree = try repo.treeID(ofCommit: commit) } catch {
            throw GitSourceError(.cache, "commit \(revision.shortCommit) is not in the cache of \(source.repository); fetch first", gitFailure: error.description)
        }
        var walker = TreeWalker(
            repository: repo, rootTree: rootTree, revision: revision, source: source, logger: logger,
            cache: DecodedCache(cache: cache, readPath: path, logger: logger))
        defer { walker.cleanUp() }
        let entry: TreeWalker.Located
        do {
            entry = try walker.locate(path)
        } catch let error as GitSourceError {
            throw error
        } catch {
            throw GitSourceError(.cache, "cannot read commit \(revision.shortCommit) from the cache of \(source.repository)", gitFailure: "\(error)")
        }
        let manifests: [Manifest]
        switch entry {
        case .missing(let existing):
            let hint = existing.isEmpty ? "" : "; entries there: " + existing.prefix(10).joined(separator: ", ")
            throw GitSourceError(.pathNotFound, "path '\(path)' does not exist at commit \(revision.shortCommit) (\(revision.resolvedRef)) of \(source.repository)\(hint)")
        case .tree(let id):
            manifests = try walker.directory(id, path: path)
        case .file(let entry):
            guard TreeWalker.isManifestName(entry.name) else {
                throw GitSourceError(.pathNotFound, "path '\(path)' at commit \(revision.shortCommit) is neither a directory nor a .yaml, .yml or .json file")
            }
            manifests = walker.file(entry.id, path: path)
        case .other(let entry):
            throw GitSourceError(.pathNotFound, "path '\(path)' at commit \(revision.shortCommit) is a \(entry.isSymlink ? "symlink" : "submodule"); GitCanary does not follow it")
        }
        var set = ManifestSet(revision: revision, path: path, manifests: manifests, errors: walker.errors, skipped: walker.skipped)
        set.filesDecoded = walker.decodedFiles
        if let decoded = walker.cache {
            decoded.save(logger: logger)
            set.filesReused = decoded.reused
        }
        return set
    }

    /// `./a//b/` → `a/b`; rejects `..` that leaves the repository.
    static func normalize(_ path: String) throws(GitSourceError) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else { throw GitSourceError(.pathNotFound, "path '\(path)' leaves the repository") }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}
