internal import CGit2

/// Process-wide libgit2 set-up, done once, and the one place where C return codes become Swift errors.
enum LibGit2 {
    /// `git_libgit2_init` runs once, lazily, on first use (a `static let` initialiser is thread-safe).
    private static let initialized: Int32 = git_libgit2_init()

    /// Makes sure libgit2 is initialised. Call before any other libgit2 function.
    static func ensureInitialized() { _ = initialized }

    /// Throws ``GitCallError`` when `result` is negative, capturing `git_error_last()` right away (it is thread-local).
    @discardableResult
    static func check(_ result: Int32, _ function: StaticString) throws(GitCallError) -> Int32 {
        guard result < 0 else { return result }
        throw GitCallError.last(code: result, function: function)
    }
}

/// A failed libgit2 call: the function, its return code, and libgit2's error class and message.
struct GitCallError: Error, Sendable, CustomStringConvertible {
    /// The libgit2 function that failed.
    var function: String
    /// Its return code (`GIT_ENOTFOUND`, `GIT_EAUTH`, ...).
    var code: Int32
    /// `git_error_t` class of the last error (`GIT_ERROR_NET`, ...), 0 when none was set.
    var errorClass: Int32
    /// The message libgit2 recorded, or a generic one.
    var message: String

    static func last(code: Int32, function: StaticString) -> GitCallError {
        var klass: Int32 = 0
        var message = "error \(code)"
        if let e = git_error_last() {
            klass = e.pointee.klass
            if let m = e.pointee.message { message = String(cString: m) }
        }
        return GitCallError(function: "\(function)", code: code, errorClass: klass, message: message)
    }

    var description: String { "\(function): \(message)" }

    /// Not found (`GIT_ENOTFOUND`).
    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    /// One of our callbacks stopped the operation (deadline, refused credentials or host key): the recorded
    /// libgit2 message may be unrelated to the cause.
    var isCallbackAbort: Bool { code == GIT_EUSER.rawValue || code == GIT_ECERTIFICATE.rawValue }

    /// An error of the local object database or repository files: a damaged cache.
    var isLocalStorage: Bool {
        guard !isCallbackAbort else { return false }
        let local: [git_error_t] = [
            GIT_ERROR_ODB, GIT_ERROR_ZLIB, GIT_ERROR_REPOSITORY, GIT_ERROR_OBJECT, GIT_ERROR_REFERENCE,
            GIT_ERROR_INDEXER, GIT_ERROR_TREE, GIT_ERROR_SHA, GIT_ERROR_CONFIG,
        ]
        return local.contains { Int32($0.rawValue) == errorClass }
    }
}
