import Foundation
import Logging
import Resources

/// Walks trees of one commit: `*.yaml`, `*.yml`, `*.json` recursively, hidden files and directories skipped,
/// symlinks and submodules reported; a directory with a kustomization is read through it (``Kustomization``).
struct TreeWalker {
    let repository: GitRepository
    let rootTree: ObjectID
    let revision: Revision
    let source: GitSource
    let logger: Logger
    let decoder = ManifestDecoder()

    private(set) var errors: [ManifestFileError] = []
    private(set) var skipped: [SkippedEntry] = []
    /// Files already decoded, so a file reached twice (two kustomizations) is read once.
    private var seen: Set<String> = []
    /// A checkout of the commit for external kustomize, made on first need.
    private var checkout: String?
    /// Manifests decoded by earlier reads, by file and blob id.
    private(set) var cache: DecodedCache?
    /// Files decoded by this walk (not taken from ``cache``).
    private(set) var decodedFiles = 0

    init(repository: GitRepository, rootTree: ObjectID, revision: Revision, source: GitSource, logger: Logger, cache: DecodedCache? = nil) {
        self.cache = cache
        self.repository = repository
        self.rootTree = rootTree
        self.revision = revision
        self.source = source
        self.logger = logger
    }

    static let kustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    static func isManifestName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return !name.hasPrefix(".") && (lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json"))
    }

    enum Located {
        case tree(ObjectID)
        case file(TreeEntry)
        case other(TreeEntry)
        /// Not found; the names in the deepest directory that exists.
        case missing([String])
    }

    /// Finds a path (relative to the root, normalised) in the commit's tree.
    func locate(_ path: String) throws -> Located {
        var tree = rootTree
        let parts = path.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            let entries = try repository.treeEntries(tree)
            guard let entry = entries.first(where: { $0.name == part }) else { return .missing(entries.map(\.name)) }
            if i == parts.count - 1 {
                if entry.isTree { return .tree(entry.id) }
                return entry.isFile ? .file(entry) : .other(entry)
            }
            guard entry.isTree else { return .missing([]) }
            tree = entry.id
        }
        return .tree(tree)
    }

    /// Reads a directory: through its kustomization when it has one, else every manifest file below it.
    mutating func directory(_ id: ObjectID, path: String) throws(GitSourceError) -> [Manifest] {
        let entries: [TreeEntry]
        do { entries = try repository.treeEntries(id) } catch {
            errors.append(ManifestFileError(location: SourceLocation(file: path), message: "cannot read directory: \(error)"))
            return []
        }
        if let k = entries.first(where: { TreeWalker.kustomizationNames.contains($0.name) && $0.isFile }) {
            return try kustomization(k, directory: path)
        }
        var out: [Manifest] = []
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            let child = path.isEmpty ? entry.name : path + "/" + entry.name
            if entry.isTree {
                if entry.name.hasPrefix(".") { continue }
                out += try directory(entry.id, path: child)
            } else if entry.isSymlink {
                // The link target is only informative: an unreadable one is shown as "?".
                let target = (try? repository.blob(entry.id)).map { String(decoding: $0.bytes, as: UTF8.self) } ?? "?"
                skipped.append(SkippedEntry(path: child, kind: .symlink, detail: target))
            } else if entry.isSubmodule {
                skipped.append(SkippedEntry(path: child, kind: .submodule, detail: entry.id.hex))
            } else if TreeWalker.isManifestName(entry.name) {
                out += file(entry.id, path: child)
            }
        }
        return out
    }

    /// Decodes one file (or takes what an earlier read decoded from the same blob); problems become ``errors`` entries.
    mutating func file(_ id: ObjectID, path: String) -> [Manifest] {
        guard seen.insert(path).inserted else { return [] }
        if let cached = cache?.manifests(file: path, blob: id.hex) { return Self.identified(cached, path: path, blob: id) }
        let blob: (bytes: [UInt8], isBinary: Bool)
        do { blob = try repository.blob(id) } catch {
            errors.append(ManifestFileError(location: SourceLocation(file: path), message: "cannot read the file from the cache: \(error)"))
            return []
        }
        if blob.isBinary {
            errors.append(ManifestFileError(location: SourceLocation(file: path), message: "binary content; not a YAML or JSON manifest"))
            return []
        }
        decodedFiles += 1
        do {
            let manifests = try decoder.decode(blob.bytes, file: path)
            var out: [Manifest] = []
            let errorCount = errors.count
            for m in manifests {
                if m.apiVersion.isEmpty || m.kind.isEmpty {
                    errors.append(ManifestFileError(location: m.source, message: "document has no \(m.apiVersion.isEmpty ? "apiVersion" : "kind"); not a Kubernetes object"))
                } else {
                    out.append(m)
                }
            }
            // Only files without a problem are kept: a broken file is decoded, and reported, on every read.
            if errors.count == errorCount { cache?.store(out, file: path, blob: id.hex) }
            return Self.identified(out, path: path, blob: id)
        } catch {
            errors.append(ManifestFileError(error))
            return []
        }
    }

    /// Sets each manifest's ``Manifest/contentID``: the file's path and blob id, the decoder's version (another decoder
    /// may read the same bytes differently) and the document's position in the file.
    static func identified(_ manifests: [Manifest], path: String, blob: ObjectID) -> [Manifest] {
        manifests.map { m in
            var m = m
            m.contentID = "\(path)@\(blob.hex)/\(ManifestArchive.version):\(m.source.line):\(m.source.column)"
            return m
        }
    }

    /// Reads a file's text for the kustomization reader.
    func text(_ id: ObjectID) throws(GitCallError) -> String {
        String(decoding: try repository.blob(id).bytes, as: UTF8.self)
    }

    mutating func recordError(_ error: ManifestFileError) { errors.append(error) }

    /// A checkout of the whole commit in a temporary directory (regular files only), made once.
    mutating func checkoutDirectory() throws(GitSourceError) -> String {
        if let checkout { return checkout }
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("gitcanary-checkout-\(revision.shortCommit)-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try materialize(rootTree, into: dir)
        } catch {
            try? FileManager.default.removeItem(atPath: dir)  // best effort: the error below is what matters
            throw GitSourceError(.kustomize, "cannot write a checkout of \(revision.shortCommit) for kustomize into \(dir): \(error)")
        }
        checkout = dir
        return dir
    }

    /// Removes the checkout, if one was made.
    func cleanUp() {
        if let checkout { try? FileManager.default.removeItem(atPath: checkout) }  // temp dir; nothing to report
    }

    private func materialize(_ tree: ObjectID, into dir: String) throws {
        for entry in try repository.treeEntries(tree) {
            let path = (dir as NSString).appendingPathComponent(entry.name)
            if entry.isTree {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                try materialize(entry.id, into: path)
            } else if entry.isFile {
                let bytes = try repository.blob(entry.id).bytes
                guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                    throw GitSourceError(.kustomize, "cannot write \(path)")
                }
            }
            // Symlinks and submodules are not materialised: a link could point outside the checkout.
        }
    }
}
