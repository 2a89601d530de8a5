import Foundation
internal import CGit2

/// Owner of one anonymous `git_remote *` (no configuration is written to the cache repository).
///
/// `connect()` is the ls-remote step: one round trip that lists the advertised refs; `fetch(refspecs:)` reuses
/// the connection. Not thread-safe and not `Sendable`.
final class GitRemote {
    private let pointer: OpaquePointer
    /// Keeps the callback state alive while libgit2 holds a pointer to it.
    private let state: RemoteCallbackState

    init(url: String, repository: GitRepository, state: RemoteCallbackState) throws(GitCallError) {
        var out: OpaquePointer?
        _ = try repository.withPointer { (repo) throws(GitCallError) in
            try LibGit2.check(git_remote_create_anonymous(&out, repo, url), "git_remote_create_anonymous")
        }
        guard let out else {
            throw GitCallError(function: "git_remote_create_anonymous", code: -1, errorClass: 0, message: "no remote")
        }
        pointer = out
        self.state = state
    }

    deinit {
        git_remote_disconnect(pointer)
        git_remote_free(pointer)
    }

    /// Connects for fetching and returns the advertised references (the ls-remote answer), copied out of C.
    func connectAndList() throws(GitCallError) -> [RemoteHead] {
        var callbacks = state.makeCallbacks()
        var proxy = git_proxy_options()
        git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION))
        proxy.type = GIT_PROXY_AUTO
        try LibGit2.check(git_remote_connect(pointer, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil), "git_remote_connect")
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try LibGit2.check(git_remote_ls(&heads, &count, pointer), "git_remote_ls")
        var out: [RemoteHead] = []
        guard let heads else { return out }
        for i in 0..<count {
            guard let head = heads[i], let name = head.pointee.name else { continue }
            out.append(
                RemoteHead(
                    name: String(cString: name), id: ObjectID(head.pointee.oid),
                    symrefTarget: head.pointee.symref_target.map { String(cString: $0) }))
        }
        return out
    }

    /// Fetches the given refspecs (`+src:dst`), updating the destination references; returns the transfer stats.
    func fetch(refspecs: [String]) throws(GitCallError) -> TransferStats {
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.callbacks = state.makeCallbacks()
        options.prune = GIT_FETCH_NO_PRUNE
        options.update_fetchhead = 0
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.proxy_opts.type = GIT_PROXY_AUTO
        let strings = refspecs.map { strdup($0) }
        defer { strings.forEach { free($0) } }
        var pointers: [UnsafeMutablePointer<CChar>?] = strings
        let rc = pointers.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_remote_fetch(pointer, &array, &options, "gitcanary: fetch")
        }
        try LibGit2.check(rc, "git_remote_fetch")
        return stats()
    }

    /// The transfer statistics of the last download.
    func stats() -> TransferStats {
        guard let s = git_remote_stats(pointer) else { return TransferStats() }
        return TransferStats(
            receivedObjects: Int(s.pointee.received_objects), indexedObjects: Int(s.pointee.indexed_objects),
            localObjects: Int(s.pointee.local_objects), receivedBytes: Int(s.pointee.received_bytes))
    }
}

@available(*, unavailable)
extension GitRemote: Sendable {}

/// One advertised reference of a remote, copied out of C.
struct RemoteHead: Sendable, Hashable {
    /// Full name: `HEAD`, `refs/heads/main`, `refs/tags/v1`, `refs/tags/v1^{}` (peeled annotated tag).
    var name: String
    var id: ObjectID
    /// For `HEAD`: the branch it points at, when the server says so.
    var symrefTarget: String?
}
