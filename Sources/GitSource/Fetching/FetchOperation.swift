import Foundation
import Logging

/// One fetch, run on a blocking thread: lock the cache, ask the remote for its refs (ls-remote), resolve the ref,
/// download only when the cache lacks the commit, and read the commit's metadata.
struct FetchOperation {
    let source: GitSource
    let logger: Logger
    let deadline: ContinuousClock.Instant?

    /// A damaged cache found after opening it (an object a reference needs cannot be read).
    private struct CacheDamage: Error { var failure: GitCallError }

    func run() throws(GitSourceError) -> FetchResult {
        let location = source.repository
        let cache = RepositoryCache(root: source.cacheDirectory, key: location.cacheKey)
        try cache.prepareRoot()
        if location.scheme == .https {
            try TLSSettings.apply(caFile: source.credentials.caFile, scratchDirectory: source.cacheDirectory)
        } else {
            LibGit2.ensureInitialized()
            TLSSettings.disableOwnerValidation()
        }
        let lock = try cache.lock(exclusive: true, deadline: deadline)
        defer { withExtendedLifetime(lock) {} }
        do {
            return try attempt(cache: cache)
        } catch let damage as CacheDamage {
            logger.warning("git cache is damaged; cloning again", metadata: ["repo": "\(location)", "error": "\(damage.failure)"])
            try cache.remove()
            do {
                var result = try attempt(cache: cache)
                result.cache = .recloned
                return result
            } catch let again as CacheDamage {
                throw GitSourceError(.cache, "the cache of \(location) is unusable even after a fresh clone", gitFailure: again.failure.description)
            } catch let error as GitSourceError {
                throw error
            } catch {
                throw GitSourceError(.git, "\(error)")
            }
        } catch let error as GitSourceError {
            throw error
        } catch {
            throw GitSourceError(.git, "\(error)")
        }
    }

    private func attempt(cache: RepositoryCache) throws -> FetchResult {
        let location = source.repository
        let (repo, opened) = try cache.openOrCreate(logger: logger)
        // A cache with no references yet (a first attempt that failed) counts as new.
        let created = opened != .existing || ((try? repo.references())?.isEmpty ?? false)
        let knownHosts = try source.credentials.knownHostsFile.map { (path) throws(GitSourceError) in try KnownHosts(contentsOf: path) }
        let state = RemoteCallbackState(
            credentials: source.credentials, knownHosts: knownHosts, host: location.host, port: location.port,
            deadline: deadline, displayURL: location.redacted)
        let remote: GitRemote
        let heads: [RemoteHead]
        do {
            remote = try GitRemote(url: location.url, repository: repo, state: state)
            heads = try remote.connectAndList()
        } catch {
            throw redacted(state.networkError(error, timeout: source.timeout))
        }
        logger.debug("listed remote refs", metadata: ["repo": "\(location)", "refs": "\(heads.count)"])
        let resolver = RefResolver(heads: heads)
        let target = try resolver.resolve(source.ref, displayURL: location.redacted)

        var stats = TransferStats()
        var downloaded = false
        func download(_ refspecs: [String]) throws {
            do {
                stats = try remote.fetch(refspecs: refspecs)
                downloaded = true
            } catch {
                if error.isLocalStorage && !created { throw CacheDamage(failure: error) }
                throw redacted(state.networkError(error, timeout: source.timeout))
            }
            logger.info(
                "fetched", metadata: ["repo": "\(location)", "objects": "\(stats.receivedObjects)", "bytes": "\(stats.receivedBytes)"])
        }

        let commit: ObjectID
        let resolvedRef: String
        switch target {
        case .advertised(let name, let id, let peeled):
            let wanted = peeled ?? id
            if !isCommitOrPeelable(repo, wanted) {
                try download([refspec(for: name)])
            } else {
                // The cache has the commit: transfer nothing, only move the local reference (best effort: it
                // only protects the objects from a future gc).
                let local = isCommitOrPeelable(repo, id) ? id : wanted
                try? repo.setReference(localName(for: name), to: local, message: "gitcanary: up to date")
            }
            do { commit = try repo.peelToCommit(wanted) } catch {
                if downloaded || error.isLocalStorage { throw CacheDamage(failure: error) }
                throw error
            }
            resolvedRef = name
        case .commit(let prefix):
            var found = try lookup(repo, prefix)
            if found == nil {
                try download(["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"])
                found = try lookup(repo, prefix)
            }
            guard let found else {
                throw GitSourceError(.unknownRef, resolver.unknown(prefix, displayURL: location.redacted).message.replacingOccurrences(of: "is not a branch, tag or commit", with: "is not a branch, tag or commit reachable from the branches and tags"))
            }
            commit = found
            resolvedRef = found.hex
        }
        let info: CommitInfo
        do { info = try repo.commitInfo(commit) } catch { throw CacheDamage(failure: error) }
        let revision = Revision(
            commit: commit.hex, ref: source.ref ?? "HEAD", resolvedRef: resolvedRef,
            commitTime: Date(timeIntervalSince1970: TimeInterval(info.time)),
            author: info.authorEmail.isEmpty ? info.authorName : "\(info.authorName) <\(info.authorEmail)>",
            subject: info.summary)
        let outcome: FetchResult.CacheOutcome = opened == .repaired ? .recloned : created ? .cloned : (downloaded ? .fetched : .upToDate)
        logger.info("resolved revision", metadata: ["repo": "\(location)", "ref": "\(resolvedRef)", "revision": "\(commit.hex)", "cache": "\(outcome.rawValue)"])
        return FetchResult(revision: revision, stats: stats, cache: outcome)
    }

    /// Whether the cache can read `id` as a commit (a probe: any failure means "fetch it").
    private func isCommitOrPeelable(_ repo: GitRepository, _ id: ObjectID) -> Bool {
        (try? repo.peelToCommit(id)) != nil
    }

    private func lookup(_ repo: GitRepository, _ prefix: String) throws -> ObjectID? {
        do {
            return try repo.commit(prefix: prefix)
        } catch {
            if error.isLocalStorage { throw CacheDamage(failure: error) }
            throw GitSourceError(.unknownRef, "commit '\(prefix)' is ambiguous or not a commit in \(source.repository); give more digits", gitFailure: error.description)
        }
    }

    /// The refspec that fetches exactly one advertised reference into its local name.
    private func refspec(for name: String) -> String { "+\(name):\(localName(for: name))" }

    /// Remote-tracking names: branches under `refs/remotes/origin/`, tags as they are, HEAD as `origin/HEAD`.
    private func localName(for name: String) -> String {
        if name.hasPrefix("refs/heads/") { return "refs/remotes/origin/" + name.dropFirst("refs/heads/".count) }
        if name.hasPrefix("refs/tags/") { return name }
        if name == "HEAD" { return "refs/remotes/origin/HEAD" }
        return "refs/remotes/origin/other/" + name.dropFirst("refs/".count)
    }

    private func redacted(_ error: GitSourceError) -> GitSourceError {
        var e = error
        e.message = RepositoryLocation.redact(e.message, location: source.repository)
        e.gitFailure = e.gitFailure.map { RepositoryLocation.redact($0, location: source.repository) }
        return e
    }
}
