import Yams

/// Decodes YAML (multi-document) and JSON files into ``Manifest`` values with file and line information.
///
/// Empty documents and comment-only documents are skipped; a `v1` `List` is expanded into its items.
/// Input is bounded: files over ``Limits/maximumFileBytes``, nesting over ``Limits/maximumDepth`` levels and
/// alias expansion over ``Limits/maximumNodes`` nodes are reported as errors, never crashes.
public struct ManifestDecoder: Sendable {
    /// Bounds applied while decoding.
    public struct Limits: Sendable, Hashable {
        /// Largest file accepted, in bytes.
        public var maximumFileBytes: Int
        /// Deepest nesting accepted.
        public var maximumDepth: Int
        /// Most nodes one document may expand to (guards against alias bombs).
        public var maximumNodes: Int
        /// Creates limits.
        public init(maximumFileBytes: Int = 8 << 20, maximumDepth: Int = 100, maximumNodes: Int = 200_000) {
            self.maximumFileBytes = maximumFileBytes
            self.maximumDepth = maximumDepth
            self.maximumNodes = maximumNodes
        }
    }

    /// The limits in force.
    public var limits: Limits

    /// Creates a decoder.
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Decodes a file's bytes; `file` is used in locations and decides JSON (`.json`) or YAML.
    public func decode(_ bytes: [UInt8], file: String) throws(ManifestDecodingError) -> [Manifest] {
        guard bytes.count <= limits.maximumFileBytes else {
            throw ManifestDecodingError(
                code: .tooLarge, location: SourceLocation(file: file),
                message: "file is \(bytes.count) bytes, over the limit of \(limits.maximumFileBytes) bytes; split it")
        }
        if let error = UTF8Validation.check(bytes, file: file) { throw error }
        // A UTF-8 byte-order mark is allowed and ignored (editors on Windows write one; libyaml would read it as text).
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if file.lowercased().hasSuffix(".json") { return try decodeJSON(bytes, file: file) }
        return try decodeYAML(String(decoding: bytes, as: UTF8.self), file: file)
    }

    /// Decodes YAML text (one or more documents).
    public func decode(yaml text: String, file: String) throws(ManifestDecodingError) -> [Manifest] {
        try decode(Array(text.utf8), file: file)
    }

    /// Decodes documents into plain values without requiring Kubernetes objects (for kustomization files etc.).
    public func documents(yaml text: String, file: String) throws(ManifestDecodingError) -> [(JSONValue, SourceMap, Int)] {
        try YAMLDocuments(limits: limits, file: file).decode(text)
    }

    private func decodeJSON(_ bytes: [UInt8], file: String) throws(ManifestDecodingError) -> [Manifest] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ManifestDecodingError(
                code: error.message.hasPrefix("nesting") ? .tooDeep : .syntax,
                location: SourceLocation(file: file, line: error.line, column: error.column),
                message: "invalid JSON: \(error.message)")
        }
        return try manifests(from: value, map: jsonLines(bytes, value: value, file: file), line: 1, file: file)
    }

    /// Field lines for a JSON document: JSON is YAML, so the YAML reader's line map is used when it reads the same
    /// value (it may not, e.g. for JSON-only escapes); otherwise only the document's first line is known.
    private func jsonLines(_ bytes: [UInt8], value: JSONValue, file: String) -> SourceMap {
        let fallback = SourceMap(lines: ["": 1])
        guard let docs = try? YAMLDocuments(limits: limits, file: file).decode(String(decoding: bytes, as: UTF8.self)),
            docs.count == 1, docs[0].0 == value
        else { return fallback }
        return docs[0].1
    }

    private func decodeYAML(_ text: String, file: String) throws(ManifestDecodingError) -> [Manifest] {
        var out: [Manifest] = []
        for (value, map, line) in try YAMLDocuments(limits: limits, file: file).decode(text) {
            out.append(contentsOf: try manifests(from: value, map: map, line: line, file: file))
        }
        return out
    }

    private func manifests(from value: JSONValue, map: SourceMap, line: Int, file: String) throws(ManifestDecodingError)
        -> [Manifest]
    {
        let location = SourceLocation(file: file, line: line)
        guard case .object = value else {
            throw ManifestDecodingError(
                code: .notAnObject, location: location,
                message: "document is a \(value.typeName), expected a Kubernetes object with apiVersion and kind")
        }
        if value["kind"]?.stringValue == "List", value["apiVersion"]?.stringValue == "v1",
            let items = value["items"]?.arrayValue
        {
            var out: [Manifest] = []
            for (i, item) in items.enumerated() {
                let prefix = "items[\(i)]"
                var lines: [String: Int] = [:]
                for (path, l) in map.lines where path == prefix || path.hasPrefix(prefix + ".") || path.hasPrefix(prefix + "[") {
                    let rest = path.dropFirst(prefix.count)
                    lines[rest.hasPrefix(".") ? String(rest.dropFirst()) : String(rest)] = l
                }
                let itemMap = SourceMap(lines: lines)
                out.append(
                    contentsOf: try manifests(from: item, map: itemMap, line: itemMap.lines[""] ?? line, file: file))
            }
            return out
        }
        return [Manifest(object: value, source: location, sourceMap: map)]
    }
}
