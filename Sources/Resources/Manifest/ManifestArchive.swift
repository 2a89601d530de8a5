/// A compact binary form of decoded manifests, for caches that must not decode the same YAML twice.
///
/// It keeps everything a ``Manifest`` holds (the object with its field order, the source location and the source
/// map), so a manifest read back is equal to the one written, including the lines that messages cite. Reading it
/// costs a fraction of decoding YAML: no parsing, no scalar resolution, one allocation per string that is too long
/// to be stored inline and one per array and object.
///
/// The layout (all integers LEB128, signed ones zigzag-encoded): a count of manifests, then per manifest its file,
/// line and column, its source map (path bytes, then per path an end offset and a line) and its object as a tree of
/// tagged values. The archive carries no version of its own: a cache that stores archives keys them by
/// ``ManifestArchive/version``, which changes whenever the layout or the decoder's output for the same input does.
public enum ManifestArchive {
    /// Changes whenever the layout or what ``ManifestDecoder`` produces for the same bytes changes: caches keyed by it
    /// never serve manifests decoded by older rules. (`ManifestArchiveTests` pins the decoder's output for a corpus
    /// of fixtures to this version.)
    public static let version = 1

    /// Appends the archive of `manifests` to `out`.
    public static func encode(_ manifests: [Manifest], into out: inout [UInt8]) {
        var w = ArchiveWriter(bytes: out)
        out = []
        w.unsigned(UInt64(manifests.count))
        for m in manifests {
            w.string(m.source.file)
            w.unsigned(UInt64(max(0, m.source.line)))
            w.unsigned(UInt64(max(0, m.source.column)))
            let map = m.sourceMap.storage
            w.run(map.pathBytes)
            w.unsigned(UInt64(map.ends.count))
            for e in map.ends { w.unsigned(UInt64(e)) }
            write(m.object, to: &w)
        }
        out = w.bytes
    }

    /// Reads an archive written by ``encode(_:into:)``.
    /// - Throws: ``ManifestArchiveError`` when the bytes are truncated or not an archive.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(ManifestArchiveError) -> [Manifest] {
        var r = ArchiveReader(bytes)
        let count = try r.count()
        var out: [Manifest] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let file = try r.string()
            let line = try r.int()
            let column = try r.int()
            let pathBytes = Array(try r.run())
            let endCount = try r.count()
            var ends: [UInt32] = []
            ends.reserveCapacity(endCount)
            for _ in 0..<endCount {
                let e = try r.unsigned()
                guard e <= UInt64(UInt32.max) else { throw r.error("a source map offset is out of range") }
                ends.append(UInt32(e))
            }
            guard let map = SourceMap(pathBytes: pathBytes, ends: ends) else {
                throw r.error("a source map's offsets do not fit its paths")
            }
            let object = try read(&r, depth: 0)
            out.append(Manifest(object: object, source: SourceLocation(file: file, line: line, column: column), sourceMap: map))
        }
        guard r.atEnd else { throw r.error("bytes after the last manifest") }
        return out
    }

    enum Tag: UInt8 {
        case null = 0, falseValue, trueValue, int, double, string, array, object
    }

    /// Nesting deeper than this is refused (the decoder refuses deeper documents long before).
    static let maxDepth = 512

    static func write(_ v: JSONValue, to w: inout ArchiveWriter) {
        switch v {
        case .null: w.bytes.append(Tag.null.rawValue)
        case .bool(let b): w.bytes.append(b ? Tag.trueValue.rawValue : Tag.falseValue.rawValue)
        case .int(let i):
            w.bytes.append(Tag.int.rawValue)
            w.unsigned(UInt64(bitPattern: (i << 1) ^ (i >> 63)))
        case .double(let d):
            w.bytes.append(Tag.double.rawValue)
            var bits = d.bitPattern
            for _ in 0..<8 {
                w.bytes.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        case .string(let s):
            w.bytes.append(Tag.string.rawValue)
            w.string(s)
        case .array(let items):
            w.bytes.append(Tag.array.rawValue)
            w.unsigned(UInt64(items.count))
            for item in items { write(item, to: &w) }
        case .object(let o):
            w.bytes.append(Tag.object.rawValue)
            w.unsigned(UInt64(o.count))
            for (k, item) in o {
                w.string(k)
                write(item, to: &w)
            }
        }
    }

    static func read(_ r: inout ArchiveReader, depth: Int) throws(ManifestArchiveError) -> JSONValue {
        guard depth < ManifestArchive.maxDepth else { throw r.error("nesting too deep") }
        let raw = try r.byte()
        guard let tag = Tag(rawValue: raw) else { throw r.error("unknown value tag \(raw)") }
        switch tag {
        case .null: return .null
        case .falseValue: return .bool(false)
        case .trueValue: return .bool(true)
        case .int:
            let z = try r.unsigned()
            return .int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        case .double:
            var bits: UInt64 = 0
            for (i, b) in try r.fixed(8).enumerated() { bits |= UInt64(b) << (8 * UInt64(i)) }
            return .double(Double(bitPattern: bits))
        case .string:
            return .string(try r.string())
        case .array:
            let n = try r.count()
            var items: [JSONValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try read(&r, depth: depth + 1)) }
            return .array(items)
        case .object:
            let n = try r.count()
            var object = JSONObject()
            object.reserveCapacity(n)
            for _ in 0..<n {
                let key = try r.string()
                object[key] = try read(&r, depth: depth + 1)
            }
            guard object.count == n else { throw r.error("an object repeats a key") }
            return .object(object)
        }
    }
}

/// Bytes that are not a ``ManifestArchive``: where reading stopped and why.
public struct ManifestArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset at which reading stopped.
    public var offset: Int
    /// What was wrong.
    public var message: String

    /// Creates an error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `not a manifest archive at byte N: …`.
    public var description: String { "not a manifest archive at byte \(offset): \(message)" }
}
