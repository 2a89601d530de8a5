internal import CGit2

/// Owner of one `git_repository *`: opened or created in `init`, freed in `deinit`.
///
/// Not thread-safe and not `Sendable`: one task (one blocking worker thread) uses a repository at a time.
final class GitRepository {
    private let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_repository_free(pointer) }

    /// Opens an existing bare repository at `path` (no discovery upwards).
    static func openBare(at path: String) throws(GitCallError) -> GitRepository {
        LibGit2.ensureInitialized()
        var out: OpaquePointer?
        try LibGit2.check(git_repository_open_bare(&out, path), "git_repository_open_bare")
        guard let out else { throw GitCallError(function: "git_repository_open_bare", code: -1, errorClass: 0, message: "no repository") }
        return GitRepository(pointer: out)
    }

    /// Creates an empty bare repository at `path`.
    static func initBare(at path: String) throws(GitCallError) -> GitRepository {
        LibGit2.ensureInitialized()
        var out: OpaquePointer?
        try LibGit2.check(git_repository_init(&out, path, 1), "git_repository_init")
        guard let out else { throw GitCallError(function: "git_repository_init", code: -1, errorClass: 0, message: "no repository") }
        return GitRepository(pointer: out)
    }

    /// Runs `body` with the raw handle; the handle must not escape.
    func withPointer<T, E: Error>(_ body: (OpaquePointer) throws(E) -> T) throws(E) -> T { try body(pointer) }

    // MARK: Objects

    /// Whether the object database holds a readable commit with this id.
    func hasCommit(_ id: ObjectID) -> Bool {
        var oid = id.oid
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, pointer, &oid) == 0, let commit else { return false }
        git_commit_free(commit)
        return true
    }

    /// Peels any object (an annotated tag, a commit) to the commit it points at.
    func peelToCommit(_ id: ObjectID) throws(GitCallError) -> ObjectID {
        var oid = id.oid
        var object: OpaquePointer?
        try LibGit2.check(git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY), "git_object_lookup")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try LibGit2.check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "git_object_peel")
        defer { git_object_free(peeled) }
        guard let id = git_object_id(peeled) else {
            throw GitCallError(function: "git_object_id", code: -1, errorClass: 0, message: "no id")
        }
        return ObjectID(id.pointee)
    }

    /// Finds the commit an abbreviated (or full) hex id names, or `nil` when the database has none.
    /// Throws when the prefix is ambiguous.
    func commit(prefix: String) throws(GitCallError) -> ObjectID? {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstrn(&oid, prefix, prefix.utf8.count), "git_oid_fromstrn")
        var object: OpaquePointer?
        let rc = git_object_lookup_prefix(&object, pointer, &oid, prefix.utf8.count, GIT_OBJECT_ANY)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(rc, "git_object_lookup_prefix")
        defer { git_object_free(object) }
        guard let id = git_object_id(object) else { return nil }
        return try peelToCommit(ObjectID(id.pointee))
    }

    /// Reads a commit's metadata into a Swift value.
    func commitInfo(_ id: ObjectID) throws(GitCallError) -> CommitInfo {
        var oid = id.oid
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup")
        defer { git_commit_free(commit) }
        let time = git_commit_time(commit)
        let offset = git_commit_time_offset(commit)
        var name = "", email = ""
        if let author = git_commit_author(commit) {
            if let n = author.pointee.name { name = String(cString: n) }
            if let e = author.pointee.email { email = String(cString: e) }
        }
        let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        return CommitInfo(id: id, time: Int64(time), offsetMinutes: Int(offset), authorName: name, authorEmail: email, summary: summary)
    }

    /// The id of the root tree of a commit.
    func treeID(ofCommit id: ObjectID) throws(GitCallError) -> ObjectID {
        var oid = id.oid
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup")
        defer { git_commit_free(commit) }
        guard let tree = git_commit_tree_id(commit) else {
            throw GitCallError(function: "git_commit_tree_id", code: -1, errorClass: 0, message: "commit has no tree")
        }
        return ObjectID(tree.pointee)
    }

    /// The entries of a tree, copied out of C.
    func treeEntries(_ id: ObjectID) throws(GitCallError) -> [TreeEntry] {
        var oid = id.oid
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, pointer, &oid), "git_tree_lookup")
        defer { git_tree_free(tree) }
        let count = git_tree_entrycount(tree)
        var out: [TreeEntry] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, i), let name = git_tree_entry_name(entry),
                let eid = git_tree_entry_id(entry)
            else { continue }
            out.append(TreeEntry(name: String(cString: name), mode: git_tree_entry_filemode(entry).rawValue, id: ObjectID(eid.pointee)))
        }
        return out
    }

    /// The bytes of a blob and whether libgit2 considers it binary.
    func blob(_ id: ObjectID) throws(GitCallError) -> (bytes: [UInt8], isBinary: Bool) {
        var oid = id.oid
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, pointer, &oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        let binary = git_blob_is_binary(blob) == 1
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return ([], binary) }
        let bytes = Array(UnsafeRawBufferPointer(start: raw, count: size))
        return (bytes, binary)
    }

    // MARK: References

    /// Creates or moves a direct reference (`refs/remotes/origin/main`, `refs/tags/v1`).
    func setReference(_ name: String, to id: ObjectID, message: String) throws(GitCallError) {
        var oid = id.oid
        var ref: OpaquePointer?
        try LibGit2.check(git_reference_create(&ref, pointer, name, &oid, 1, message), "git_reference_create")
        git_reference_free(ref)
    }

    /// All references with the object each resolves to (unresolvable ones are reported with `nil`).
    func references() throws(GitCallError) -> [(name: String, target: ObjectID?)] {
        var names = git_strarray()
        try LibGit2.check(git_reference_list(&names, pointer), "git_reference_list")
        defer { git_strarray_dispose(&names) }
        var out: [(String, ObjectID?)] = []
        for i in 0..<names.count {
            guard let cname = names.strings[i] else { continue }
            var oid = git_oid()
            let target: ObjectID? = git_reference_name_to_id(&oid, pointer, cname) == 0 ? ObjectID(oid) : nil
            out.append((String(cString: cname), target))
        }
        return out
    }
}

@available(*, unavailable)
extension GitRepository: Sendable {}

/// A commit's metadata, copied out of C.
struct CommitInfo: Sendable, Hashable {
    var id: ObjectID
    /// Seconds since 1970 (committer time).
    var time: Int64
    /// Committer's time-zone offset in minutes.
    var offsetMinutes: Int
    var authorName: String
    var authorEmail: String
    var summary: String
}

/// One entry of a tree, copied out of C.
struct TreeEntry: Sendable, Hashable {
    var name: String
    /// `git_filemode_t` raw value (0o040000 tree, 0o100644 blob, 0o120000 link, 0o160000 submodule).
    var mode: UInt32
    var id: ObjectID

    var isTree: Bool { mode == 0o040000 }
    var isSymlink: Bool { mode == 0o120000 }
    var isSubmodule: Bool { mode == 0o160000 }
    var isFile: Bool { mode == 0o100644 || mode == 0o100755 }
}
