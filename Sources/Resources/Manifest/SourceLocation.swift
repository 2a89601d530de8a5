/// Where something was read from: a file and a 1-based line (0 when unknown).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file path as the user gave it (or as found in the repository).
    public var file: String
    /// 1-based line; 0 when unknown.
    public var line: Int
    /// 1-based column; 0 when unknown.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line` (or `file:line:column`).
    public var description: String {
        if line == 0 { return file }
        return column == 0 ? "\(file):\(line)" : "\(file):\(line):\(column)"
    }
}

/// Lines of the fields of one decoded document, keyed by JSON path (`spec.analysis.stepWeights[2]`).
///
/// Kept compact because every decoded manifest carries one for its whole life (5,000 manifests × ~50 fields): the
/// paths' UTF-8 bytes in one buffer and (end offset, line) pairs in another, two allocations per document instead of
/// a hash table of path strings. Lookups scan; they happen only when a message points at a field.
public struct SourceMap: Sendable, Hashable {
    /// The UTF-8 bytes of every recorded path, one after another.
    private var pathBytes: [UInt8] = []
    /// Per recorded path: the end offset of its bytes in `pathBytes`, then its line.
    private var ends: [UInt32] = []

    /// An empty map.
    public init() {}

    /// A map from path → 1-based line.
    public init(lines: [String: Int]) {
        for (path, line) in lines { record(path, line: line) }
    }

    /// Path → 1-based line (built on demand; the first line recorded for a path wins).
    public var lines: [String: Int] {
        get {
            var out: [String: Int] = [:]
            out.reserveCapacity(count)
            forEach { path, line in if out[path] == nil { out[path] = line } }
            return out
        }
        set { self = SourceMap(lines: newValue) }
    }

    /// The number of recorded paths.
    public var count: Int { ends.count / 2 }

    /// The map's storage, for ``ManifestArchive``: every path's UTF-8 bytes, and per path its end offset and line.
    var storage: (pathBytes: [UInt8], ends: [UInt32]) { (pathBytes, ends) }

    /// A map from storage written by ``storage``; `nil` when the offsets do not fit the bytes.
    init?(pathBytes: [UInt8], ends: [UInt32]) {
        guard ends.count % 2 == 0 else { return nil }
        var previous: UInt32 = 0
        var i = 0
        while i < ends.count {
            guard ends[i] >= previous, Int(ends[i]) <= pathBytes.count else { return nil }
            previous = ends[i]
            i += 2
        }
        guard Int(previous) == pathBytes.count else { return nil }
        self.pathBytes = pathBytes
        self.ends = ends
    }

    /// Records the line of a path; a path already recorded keeps its first line.
    mutating func record(_ path: String, line: Int) {
        pathBytes.append(contentsOf: path.utf8)
        ends.append(UInt32(truncatingIfNeeded: pathBytes.count))
        ends.append(UInt32(truncatingIfNeeded: max(0, line)))
    }

    private func forEach(_ body: (String, Int) -> Void) {
        var start = 0
        var i = 0
        while i < ends.count {
            let end = Int(ends[i])
            body(String(decoding: pathBytes[start..<end], as: UTF8.self), Int(ends[i + 1]))
            start = end
            i += 2
        }
    }

    /// The line recorded for exactly this path.
    private func exactLine(_ path: Substring) -> Int? {
        let wanted = Array(path.utf8)
        var start = 0
        var i = 0
        while i < ends.count {
            let end = Int(ends[i])
            if end - start == wanted.count, pathBytes[start..<end].elementsEqual(wanted) { return Int(ends[i + 1]) }
            start = end
            i += 2
        }
        return nil
    }

    /// The line of a path, or of its nearest recorded ancestor.
    public func line(of path: String) -> Int? {
        var p = Substring(path)
        while true {
            if let l = exactLine(p) { return l }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return exactLine("") }
            p = p[..<cut]
        }
    }

    /// Equal when the same paths map to the same lines.
    public static func == (lhs: SourceMap, rhs: SourceMap) -> Bool {
        if lhs.pathBytes == rhs.pathBytes && lhs.ends == rhs.ends { return true }
        return lhs.lines == rhs.lines
    }

    /// Hashes the number of paths (consistent with `==`, which ignores the order of recording).
    public func hash(into hasher: inout Hasher) { hasher.combine(lines.count) }
}

/// Builds JSON paths in the form used in messages: `spec.analysis.stepWeights[2]`, `metadata.labels["app.kubernetes.io/name"]`.
public enum JSONPath {
    /// Appends an object key.
    public static func key(_ parent: String, _ key: String) -> String {
        let plain = !key.isEmpty && isPlain(key)
        if plain { return parent.isEmpty ? key : parent + "." + key }
        return parent + "[\"" + key + "\"]"
    }
    /// Letters, digits, `_` and `-` only (ASCII checked byte by byte; other text by `Character`).
    private static func isPlain(_ key: String) -> Bool {
        for b in key.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            case 0x80...: return key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            default: return false
            }
        }
        return true
    }

    /// Appends an array index.
    public static func index(_ parent: String, _ index: Int) -> String { parent + "[\(index)]" }
}
