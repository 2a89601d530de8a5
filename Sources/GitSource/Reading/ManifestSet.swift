import Resources

/// What ``GitSource/manifests(at:path:logger:)`` found: every manifest that decoded, every file that did not,
/// and the entries it saw but did not follow (symlinks, submodules).
public struct ManifestSet: Sendable {
    /// The revision read.
    public var revision: Revision
    /// The path read, relative to the repository root ("" for the root).
    public var path: String
    /// Decoded objects, in path order; each carries its file (relative to the repository root) and line.
    public var manifests: [Manifest]
    /// Files that could not be read or decoded. Objects declared in them are unknown: skip only those.
    public var errors: [ManifestFileError]
    /// Symlinks and submodules under the path, reported and not followed.
    public var skipped: [SkippedEntry]
    /// Files decoded by this read (files with errors are decoded on every read).
    public var filesDecoded = 0
    /// Files whose manifests an earlier read had decoded from the same blob at the same path (the decoded-manifest
    /// cache beside the repository cache), so not decoded again.
    public var filesReused = 0

    /// Creates a set.
    public init(revision: Revision, path: String, manifests: [Manifest] = [], errors: [ManifestFileError] = [], skipped: [SkippedEntry] = []) {
        self.revision = revision
        self.path = path
        self.manifests = manifests
        self.errors = errors
        self.skipped = skipped
    }
}

/// A file that could not be turned into manifests, with its location (`file:line`) in the repository.
public struct ManifestFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// File relative to the repository root, and the line when known.
    public var location: SourceLocation
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// Wraps a decoding error (its location already names the file).
    public init(_ error: ManifestDecodingError) {
        self.init(location: error.location, message: error.message)
    }

    /// `file:line: message`.
    public var description: String { "\(location): \(message)" }
}

/// A tree entry that is reported but not followed.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    /// Why it was skipped.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A symbolic link (its target is in ``detail``).
        case symlink
        /// A submodule (its commit is in ``detail``).
        case submodule
    }
    /// Path relative to the repository root.
    public var path: String
    /// The kind of entry.
    public var kind: Kind
    /// The link target or the submodule commit.
    public var detail: String

    /// Creates an entry.
    public init(path: String, kind: Kind, detail: String) {
        self.path = path
        self.kind = kind
        self.detail = detail
    }

    /// `path: symlink to target (not followed)`.
    public var description: String {
        switch kind {
        case .symlink: "\(path): symlink to \(detail) (not followed)"
        case .submodule: "\(path): submodule at \(detail) (not followed)"
        }
    }
}
