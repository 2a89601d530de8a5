import Yams

/// Converts a YAML stream into JSON values, one per non-empty document, with a line for every field.
///
/// Scalars resolve as Kubernetes' YAML reader resolves them: null, booleans, integers and floats by the YAML core
/// rules; timestamps stay strings; quoted scalars are strings. Merge keys (`<<`) are honoured.
///
/// Yams composes with `Resolver.basic` (no rules): its default resolver runs seven regular expressions on every plain
/// scalar. Untagged plain scalars are resolved here by ``YAMLPlainScalar``, to the same result. One difference
/// remains, in mapping keys only, where Yams' duplicate-key check compares (text, tag): a plain key and a quoted key
/// of the same text (`1:` and `"1":`) are now reported as duplicates (they were two keys that overwrote each other
/// in the JSON object), and an explicitly `!!str`-tagged plain key `~` or `<<` reads as `null` / a merge key.
struct YAMLDocuments {
    let limits: ManifestDecoder.Limits
    let file: String
    private var nodes = 0

    init(limits: ManifestDecoder.Limits, file: String) {
        self.limits = limits
        self.file = file
    }

    func decode(_ text: String) throws(ManifestDecodingError) -> [(JSONValue, SourceMap, Int)] {
        try checkDepth(text)
        var out: [(JSONValue, SourceMap, Int)] = []
        do {
            // Iterate with next() so that an error in the 2nd+ document surfaces (see Yams' YamlSequence).
            // `.utf8` given: Yams' `Encoding.default` reads the process environment on every call (~6 % of decoding).
            var sequence = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
            while let node = sequence.next() {
                if case .scalar(let s) = node, Converter.kind(of: s, isKey: false) == .null { continue }
                var converter = Converter(limits: limits, file: file)
                var map = SourceMap()
                let value = try converter.convert(node, path: "", depth: 0, map: &map, recorded: false)
                out.append((value, map, node.mark?.line ?? 1))
            }
            if let error = sequence.error { throw error }
        } catch let error as ManifestDecodingError {
            throw error
        } catch {
            throw YAMLDocuments.describe(error, file: file)
        }
        return out
    }

    /// A cheap upper bound of the nesting depth, checked before composing (Yams composes recursively).
    private func checkDepth(_ text: String) throws(ManifestDecodingError) {
        var line = 1
        var flow = 0
        var maxFlow = 0
        var indent = 0
        var atLineStart = true
        var dashes = 0
        var quote: UInt8 = 0
        for b in text.utf8 {
            if b == 0x0A {
                line += 1; atLineStart = true; indent = 0; dashes = 0
                if quote == UInt8(ascii: "'") { quote = 0 }
                continue
            }
            if quote != 0 {
                if b == quote { quote = 0 }
                continue
            }
            if atLineStart {
                if b == 0x20 { indent += 1; continue }
                if b == UInt8(ascii: "-") { dashes += 1; continue }
                atLineStart = false
            }
            switch b {
            case UInt8(ascii: "#") where flow == 0: atLineStart = false
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
            case UInt8(ascii: "["), UInt8(ascii: "{"): flow += 1; maxFlow = max(maxFlow, flow)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): flow = max(0, flow - 1)
            default: break
            }
            if flow + dashes + indent / 2 > limits.maximumDepth * 2 || maxFlow > limits.maximumDepth {
                throw ManifestDecodingError(
                    code: .tooDeep, location: SourceLocation(file: file, line: line),
                    message: "nesting deeper than \(limits.maximumDepth) levels; this is not a Kubernetes manifest")
            }
        }
    }

    static func describe(_ error: any Error, file: String) -> ManifestDecodingError {
        if let y = error as? YamlError {
            switch y {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                let ctx = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
                return ManifestDecodingError(
                    code: .syntax, location: SourceLocation(file: file, line: mark.line, column: mark.column),
                    message: "YAML syntax error: \(problem)\(ctx)")
            case .reader(let problem, _, _, _):
                return ManifestDecodingError(
                    code: .syntax, location: SourceLocation(file: file), message: "unreadable YAML: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                return ManifestDecodingError(
                    code: .syntax, location: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                    message: "duplicate keys in mapping: \(duplicates.joined(separator: ", "))")
            default:
                return ManifestDecodingError(code: .syntax, location: SourceLocation(file: file), message: "\(y)")
            }
        }
        return ManifestDecodingError(code: .syntax, location: SourceLocation(file: file), message: "\(error)")
    }
}

/// Node → JSONValue with a node budget and line recording.
private struct Converter {
    let limits: ManifestDecoder.Limits
    let file: String
    var nodes = 0

    init(limits: ManifestDecoder.Limits, file: String) {
        self.limits = limits
        self.file = file
    }

    func fail(_ code: ManifestDecodingError.Code, _ node: Node, _ message: String) -> ManifestDecodingError {
        ManifestDecodingError(
            code: code, location: SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0),
            message: message)
    }

    /// Converts `node` at `path`, recording lines into `map`; `recorded`: the caller has recorded `path`'s line already
    /// (a mapping records the key's line: a block mapping value otherwise starts on the next line).
    mutating func convert(_ node: Node, path: String, depth: Int, map: inout SourceMap, recorded: Bool)
        throws(ManifestDecodingError) -> JSONValue
    {
        nodes += 1
        guard nodes <= limits.maximumNodes else {
            throw fail(.tooLarge, node, "document expands to more than \(limits.maximumNodes) nodes (aliases?)")
        }
        guard depth <= limits.maximumDepth else {
            throw fail(.tooDeep, node, "nesting deeper than \(limits.maximumDepth) levels")
        }
        if !recorded, let line = node.mark?.line { map.record(path, line: line) }
        switch node {
        case .scalar(let scalar): return try self.scalar(scalar, node: node, path: path)
        case .alias: return .null
        case .sequence(let seq):
            var items: [JSONValue] = []
            items.reserveCapacity(seq.count)
            for (i, child) in seq.enumerated() {
                items.append(try convert(child, path: JSONPath.index(path, i), depth: depth + 1, map: &map, recorded: false))
            }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            object.reserveCapacity(mapping.count)
            var merged: [(String, JSONValue)] = []
            for (keyNode, valueNode) in mapping {
                if case .scalar(let k) = keyNode, Converter.kind(of: k, isKey: true) == .merge {
                    // `<<: *base` or `<<: [*a, *b]`: earlier sources win, explicit keys win over all.
                    let sources: [Node] = valueNode.sequence.map { Array($0) } ?? [valueNode]
                    for source in sources {
                        var ignored = SourceMap()
                        let v = try convert(source, path: path, depth: depth + 1, map: &ignored, recorded: false)
                        guard let o = v.objectValue else { throw fail(.syntax, source, "merge key '<<' needs a mapping") }
                        for (k, v) in o where !merged.contains(where: { $0.0 == k }) { merged.append((k, v)) }
                    }
                    continue
                }
                let key = try keyString(keyNode)
                let childPath = JSONPath.key(path, key)
                // A field's line is its key's line (a block mapping value otherwise starts on the next line).
                var keyLine = false
                if let line = keyNode.mark?.line {
                    map.record(childPath, line: line)
                    keyLine = true
                }
                object[key] = try convert(valueNode, path: childPath, depth: depth + 1, map: &map, recorded: keyLine)
            }
            for (k, v) in merged where object[k] == nil { object[k] = v }
            return .object(object)
        }
    }

    func keyString(_ node: Node) throws(ManifestDecodingError) -> String {
        guard case .scalar(let s) = node else {
            throw fail(.unrepresentable, node, "a mapping key must be a scalar, not a \(node.mapping != nil ? "mapping" : "sequence")")
        }
        if s.style == .plain && (s.string == "~" || s.string.isEmpty) && Converter.kind(of: s, isKey: true) == .null {
            return "null"
        }
        return s.string
    }

    /// What a scalar resolves to, as Yams' default resolver and constructors would read it. Reads the tag as the
    /// parser left it (`Node.tag` would resolve it): "" for an untagged plain scalar, the explicit tag otherwise.
    /// Keys are the exception: Yams' duplicate check has resolved them already (with `.basic`, untagged → `str`).
    static func kind(of s: Node.Scalar, isKey: Bool) -> YAMLPlainScalar {
        let tag = s.tag.rawValue
        if tag.isEmpty || (isKey && s.style == .plain && tag == Tag.Name.str.rawValue) {
            return s.style == .plain ? YAMLPlainScalar.resolve(s.string) : .string
        }
        switch Tag.Name(rawValue: tag) {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .merge: return .merge
        default: return .string
        }
    }

    func scalar(_ s: Node.Scalar, node: Node, path: String) throws(ManifestDecodingError) -> JSONValue {
        guard s.style == .plain else { return .string(s.string) }
        switch Converter.kind(of: s, isKey: false) {
        case .null: return .null
        case .bool:
            switch s.string.lowercased() {
            case "true", "yes", "on": return .bool(true)
            case "false", "no", "off": return .bool(false)
            default: return .string(s.string)
            }
        case .int:
            if let i = Int.construct(from: s) { return .int(Int64(i)) }
            if let d = Double(s.string.replacingOccurrences(of: "_", with: "")), d.isFinite { return .double(d) }
            throw fail(.unrepresentable, node, "integer '\(s.string)' is out of range")
        case .float:
            guard let d = Double.construct(from: s), d.isFinite else {
                throw fail(.unrepresentable, node, "'\(s.string)' is not a finite number; JSON cannot hold it (quote it for a string)")
            }
            return .double(d)
        case .merge, .string: return .string(s.string)
        }
    }
}
