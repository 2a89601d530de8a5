/// Why GitSource could not fetch or read a repository: a kind (``Code``), a message a person can act on (it names
/// the URL with credentials stripped, the ref, the path or the commit), and the libgit2 call that failed, if any.
///
/// Messages never contain a password, token or key.
public struct GitSourceError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// A bad option or unreadable credentials file.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The ref is neither a branch, a tag nor a commit of the repository.
        public static let unknownRef = Code("unknownRef")
        /// The remote could not be reached (DNS, connection, HTTP error, no repository there).
        public static let unreachable = Code("unreachable")
        /// The remote refused the credentials, or asked for credentials and none were configured.
        public static let authentication = Code("authentication")
        /// The SSH host key is unknown or does not match `known_hosts`.
        public static let hostKey = Code("hostKey")
        /// The HTTPS certificate could not be verified.
        public static let certificate = Code("certificate")
        /// A network operation did not finish within the time limit.
        public static let timeout = Code("timeout")
        /// The path does not exist at the commit, or is not a directory or manifest file.
        public static let pathNotFound = Code("pathNotFound")
        /// The local cache could not be used (locked too long, unwritable, damaged beyond a re-clone).
        public static let cache = Code("cache")
        /// A kustomization needs an external `kustomize` and none was found, or it failed to run.
        public static let kustomize = Code("kustomize")
        /// Any other libgit2 failure.
        public static let git = Code("git")
        /// The code's name, e.g. `unknownRef`.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do, for a person.
    public var message: String
    /// The failing libgit2 function and its message, when one failed (`git_remote_connect: ...`).
    public var gitFailure: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, gitFailure: String? = nil) {
        self.code = code
        self.message = message
        self.gitFailure = gitFailure
    }

    /// The message, followed by the libgit2 failure in parentheses when it adds something.
    public var description: String {
        guard let gitFailure else { return message }
        let cause = gitFailure.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if !cause.isEmpty, message.contains(cause) { return message }
        return "\(message) (\(gitFailure))"
    }
}
