import Foundation
import Logging
import Resources

/// The manifests the last read decoded, by file path and blob id, so that an unchanged file is never decoded twice.
///
/// One file per cached repository and read path, `<root>/<key>.decoded-<hash of the path>`, beside the bare
/// repository: a header (magic, ``ManifestArchive/version``, the read path), then per file its path, its blob id and
/// the ``ManifestArchive`` of its manifests. A Git blob id names exactly the bytes decoded, and the path names the
/// file the manifests cite, so an entry whose path and blob match is what decoding would produce again.
///
/// Only files that decoded without any error are kept (a broken file is decoded, and reported, every time). The file
/// is rewritten, atomically (a temporary file renamed over it), only when the read used a different set of entries,
/// and it then holds exactly the files of that read: it never grows beyond one revision. Like the repository, it is
/// an optimisation: a file that is unreadable, of another version or damaged is ignored and replaced.
struct DecodedCache {
    /// The cache file.
    let path: String
    /// The read path it belongs to.
    let readPath: String

    /// The archives found in the file, by entry.
    private var loaded: [Entry: ArraySlice<UInt8>] = [:]
    /// The entries this read used, with their archives, in the order they were used.
    private var used: [(entry: Entry, archive: ArraySlice<UInt8>)] = []
    private var usedKeys: Set<Entry> = []

    /// Files served from the cache in this read.
    private(set) var reused = 0

    struct Entry: Hashable {
        var file: String
        var blob: String
    }

    static let magic: [UInt8] = Array("GCDC".utf8)

    /// Opens the cache of `readPath` in a repository cache; a missing or unusable file is an empty cache.
    init(cache: RepositoryCache, readPath: String, logger: Logger) {
        let hash = SHA256.hash(readPath.utf8).prefix(6).map { String(format: "%02x", $0) }.joined()
        path = (cache.root as NSString).appendingPathComponent("\(cache.key).decoded-\(hash)")
        self.readPath = readPath
        guard let data = FileManager.default.contents(atPath: path) else { return }
        do {
            loaded = try DecodedCache.parse([UInt8](data), readPath: readPath)
        } catch {
            logger.debug("decoded-manifest cache ignored", metadata: ["file": "\(path)", "reason": "\(error)"])
        }
    }

    /// The manifests of `file` at `blob` when this cache holds them.
    mutating func manifests(file: String, blob: String) -> [Manifest]? {
        let entry = Entry(file: file, blob: blob)
        guard let archive = loaded[entry], let manifests = try? ManifestArchive.decode(archive) else { return nil }
        note(entry, archive)
        reused += 1
        return manifests
    }

    /// Records manifests decoded from `file` at `blob`, to be kept for the next read.
    mutating func store(_ manifests: [Manifest], file: String, blob: String) {
        var bytes: [UInt8] = []
        ManifestArchive.encode(manifests, into: &bytes)
        note(Entry(file: file, blob: blob), bytes[...])
    }

    private mutating func note(_ entry: Entry, _ archive: ArraySlice<UInt8>) {
        guard usedKeys.insert(entry).inserted else { return }
        used.append((entry, archive))
    }

    /// Writes the entries this read used, unless they are exactly the ones loaded. Failures are logged, not thrown:
    /// the next read decodes again.
    func save(logger: Logger) {
        guard usedKeys != Set(loaded.keys) else { return }
        var w = ArchiveWriter(bytes: DecodedCache.magic)
        w.unsigned(UInt64(ManifestArchive.version))
        w.string(readPath)
        w.unsigned(UInt64(used.count))
        for (entry, archive) in used {
            w.string(entry.file)
            w.string(entry.blob)
            w.run(archive)
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try Data(w.bytes).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw GitSourceError(.cache, "cannot rename \(temporary) to \(path): errno \(errno)")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)  // best effort; the cache is an optimisation
            logger.warning("cannot write the decoded-manifest cache; the next run decodes again", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }

    /// The entries of a cache file; throws when it is not one of this version and read path.
    static func parse(_ bytes: [UInt8], readPath: String) throws(ManifestArchiveError) -> [Entry: ArraySlice<UInt8>] {
        var r = ArchiveReader(bytes[...])
        guard try r.fixed(magic.count).elementsEqual(magic) else { throw r.error("not a decoded-manifest cache") }
        let version = try r.unsigned()
        guard version == UInt64(ManifestArchive.version) else { throw r.error("version \(version), not \(ManifestArchive.version)") }
        guard try r.string() == readPath else { throw r.error("another read path") }
        let count = try r.count()
        var out: [Entry: ArraySlice<UInt8>] = [:]
        out.reserveCapacity(count)
        for _ in 0..<count {
            let file = try r.string()
            let blob = try r.string()
            out[Entry(file: file, blob: blob)] = try r.run()
        }
        guard r.atEnd else { throw r.error("bytes after the last entry") }
        return out
    }
}
