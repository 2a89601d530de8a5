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
public struct SourceMap: Sendable, Hashable {
    /// Path → 1-based line.
    public var lines: [String: Int]
    /// An empty map.
    public init(lines: [String: Int] = [:]) { self.lines = lines }

    /// The line of a path, or of its nearest recorded ancestor.
    public func line(of path: String) -> Int? {
        var p = Substring(path)
        while true {
            if let l = lines[String(p)] { return l }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return lines[""] }
            p = p[..<cut]
        }
    }
}

/// Builds JSON paths in the form used in messages: `spec.analysis.stepWeights[2]`, `metadata.labels["app.kubernetes.io/name"]`.
public enum JSONPath {
    /// Appends an object key.
    public static func key(_ parent: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        if plain { return parent.isEmpty ? key : parent + "." + key }
        return parent + "[\"" + key + "\"]"
    }
    /// Appends an array index.
    public static func index(_ parent: String, _ index: Int) -> String { parent + "[\(index)]" }
}
