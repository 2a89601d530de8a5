import Foundation

/// Checks a JSON value against a Kubernetes structural schema (the OpenAPI v3 subset CRDs use).
///
/// Supported keywords: `type` (object, array, string, integer, number, boolean), `x-kubernetes-int-or-string`,
/// `nullable`, `properties`, `additionalProperties`, `required`, `items`, `enum`, `pattern` (unanchored search, as
/// the API server does), `minLength`, `maxLength`, `minimum`, `maximum`, `minItems`, `maxItems`, `oneOf`, `anyOf`,
/// `not`. Ignored: `description`, `default`, `format`, `x-kubernetes-validations` (CEL). Fields the schema does not
/// declare are reported as warnings (the API server prunes them), except under `status` and in `metadata`.
struct SchemaChecker {
    private let regexes = RegexCache()
    /// Whether unknown fields are reported (off inside `oneOf`/`anyOf`/`not` branches).
    var reportUnknown = true

    /// All problems of `value` against `schema`, `value` being at `path`.
    func check(_ value: JSONValue, _ schema: JSONValue, path: String) -> [Problem] {
        var out: [Problem] = []
        check(value, schema, path: path, into: &out)
        return out
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, path: String, into out: inout [Problem]) {
        guard case .object(let s) = schema else { return }
        if value.isNull, s["nullable"]?.boolValue == true { return }
        if s["x-kubernetes-int-or-string"]?.boolValue == true {
            switch value {
            case .int, .string: break
            case .double(let d) where d.rounded() == d: break
            default:
                out.append(.error(.schemaType, path, "wrong type: expected an integer or a string, found \(describe(value))"))
                return
            }
        } else if let type = s["type"]?.stringValue, !matches(value, type: type) {
            out.append(.error(.schemaType, path, "wrong type: expected \(article(type)), found \(describe(value))"))
            return
        }
        if let options = s["enum"]?.arrayValue, !options.contains(where: { equal($0, value) }) {
            let list = options.map { $0.stringValue.map { $0.isEmpty ? "\"\"" : $0 } ?? JSONWriter.string($0) }
            out.append(.error(.schemaEnum, path, "unknown \(fieldName(path)) \(JSONWriter.string(value)); expected one of: \(list.joined(separator: ", "))"))
        }
        checkBounds(value, s, path: path, into: &out)
        checkAlternatives(value, s, path: path, into: &out)
        switch value {
        case .object(let object): checkObject(object, s, path: path, into: &out)
        case .array(let items):
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() { check(item, itemSchema, path: JSONPath.index(path, i), into: &out) }
            }
        default: break
        }
    }

    private func checkObject(_ object: JSONObject, _ s: JSONObject, path: String, into out: inout [Problem]) {
        for key in s["required"]?.arrayValue ?? [] {
            guard let key = key.stringValue, object[key] == nil else { continue }
            let where_ = path.isEmpty ? "" : " in \(path)"
            out.append(.error(.schemaRequired, JSONPath.key(path, key), "missing required field '\(key)'\(where_)"))
        }
        let properties = s["properties"]?.objectValue
        for (key, child) in object {
            let childPath = JSONPath.key(path, key)
            if let p = properties?[key] {
                check(child, p, path: childPath, into: &out)
            } else if let extra = s["additionalProperties"] {
                if case .bool(false) = extra {
                    out.append(.error(.schemaUnknownField, childPath, "field '\(key)' is not allowed here"))
                } else {
                    check(child, extra, path: childPath, into: &out)
                }
            } else if let properties, !properties.isEmpty, reportUnknown, path != "status", !path.hasPrefix("status.") {
                out.append(
                    .warning(.schemaUnknownField, childPath,
                        "unknown field '\(key)': Flagger's schema does not declare it, so the API server drops it"))
            }
        }
    }

    private func checkBounds(_ value: JSONValue, _ s: JSONObject, path: String, into out: inout [Problem]) {
        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count
            if let min = s["minLength"]?.intValue, length < min {
                out.append(.error(.schemaBounds, path, "\"\(text)\" is shorter than \(min) characters"))
            }
            if let max = s["maxLength"]?.intValue, length > max {
                out.append(.error(.schemaBounds, path, "value is longer than \(max) characters"))
            }
            if let pattern = s["pattern"]?.stringValue, !regexes.matches(pattern, text) {
                out.append(.error(.schemaPattern, path, "\"\(text)\" does not match the pattern \(pattern)\(patternHint(pattern))"))
            }
        case .int, .double:
            let d = value.doubleValue ?? 0
            if let min = s["minimum"]?.doubleValue, d < min {
                out.append(.error(.schemaBounds, path, "\(describe(value)) is below the minimum \(JSONWriter.formatDouble(min))"))
            }
            if let max = s["maximum"]?.doubleValue, d > max {
                out.append(.error(.schemaBounds, path, "\(describe(value)) is above the maximum \(JSONWriter.formatDouble(max))"))
            }
        case .array(let items):
            if let min = s["minItems"]?.intValue, items.count < min {
                out.append(.error(.schemaBounds, path, "needs at least \(min) items, has \(items.count)"))
            }
            if let max = s["maxItems"]?.intValue, items.count > max {
                out.append(.error(.schemaBounds, path, "allows at most \(max) items, has \(items.count)"))
            }
        default: break
        }
    }

    private func checkAlternatives(_ value: JSONValue, _ s: JSONObject, path: String, into out: inout [Problem]) {
        var quiet = self
        quiet.reportUnknown = false
        func passes(_ branch: JSONValue) -> Bool {
            quiet.check(value, branch, path: path).allSatisfy { $0.severity != .error }
        }
        if let branches = s["oneOf"]?.arrayValue {
            let matching = branches.indices.filter { passes(branches[$0]) }
            if matching.count != 1 {
                out.append(.error(.schemaAlternatives, path, oneOfMessage(branches, matching: matching, value: value, path: path)))
            }
        }
        if let branches = s["anyOf"]?.arrayValue, !branches.contains(where: passes) {
            out.append(.error(.schemaAlternatives, path, "matches none of the \(branches.count) allowed forms of \(fieldName(path))"))
        }
        if let negated = s["not"], passes(negated) {
            out.append(.error(.schemaAlternatives, path, "\(fieldName(path)) has a form the schema forbids: \(JSONWriter.string(negated))"))
        }
    }

    /// A readable explanation for `oneOf` branches that are plain `required` lists (analysis, AlertProvider).
    private func oneOfMessage(_ branches: [JSONValue], matching: [Int], value: JSONValue, path: String) -> String {
        let sets: [[String]] = branches.map { b in (b["required"]?.arrayValue ?? []).compactMap(\.stringValue) }
        let plain = branches.allSatisfy { ($0.objectValue?.keys ?? []) == ["required"] }
        guard plain, !sets.isEmpty else {
            return matching.isEmpty
                ? "\(fieldName(path)) matches none of the \(branches.count) allowed forms"
                : "matches \(matching.count) of the allowed forms, exactly one is required"
        }
        let common = sets.dropFirst().reduce(Set(sets[0])) { $0.intersection($1) }
        let commonOrdered = sets[0].filter { common.contains($0) }
        let alternatives = sets.map { $0.filter { !common.contains($0) }.joined(separator: "+") }
        let present = value.objectValue.map { o in Set(o.keys) } ?? []
        let need = (commonOrdered.isEmpty ? "" : commonOrdered.joined(separator: ", ") + " and ")
            + "exactly one of " + alternatives.joined(separator: ", ")
        if matching.isEmpty {
            let missingCommon = commonOrdered.filter { !present.contains($0) }
            let detail = missingCommon.isEmpty
                ? "none of " + alternatives.joined(separator: ", ") + " is set"
                : "missing " + missingCommon.joined(separator: ", ")
            return "needs \(need): \(detail)"
        }
        let set = matching.map { alternatives[$0] }.joined(separator: " and ")
        return "needs \(need), but sets \(set)"
    }

    private func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool): return true
        case ("integer", .int), ("number", .int), ("number", .double): return true
        case ("integer", .double(let d)): return d.rounded() == d
        default: return false
        }
    }

    private func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    private func article(_ type: String) -> String {
        switch type {
        case "object": return "an object"
        case "array": return "a list"
        case "integer": return "an integer"
        default: return "a \(type)"
        }
    }

    private func patternHint(_ pattern: String) -> String {
        pattern == "^[0-9]+(m|s)" ? " (a duration such as 30s, 1m or 1m30s)" : ""
    }

    private func fieldName(_ path: String) -> String {
        let last = path.split(whereSeparator: { $0 == "." }).last.map(String.init) ?? path
        let name = last.split(separator: "[").first.map(String.init) ?? last
        if name == "type", path.contains("webhooks[") { return "webhook type" }
        if name == "type", path.contains("provider") { return "provider type" }
        return name.isEmpty ? "value" : name
    }
}

/// Describes a value for messages: `null`, `"text"`, `12`, `a list`, `an object`.
func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return "boolean \(b)"
    case .int(let i): return "integer \(i)"
    case .double(let d): return "number \(JSONWriter.formatDouble(d))"
    case .string(let s): return "string \"\(s.count > 60 ? String(s.prefix(57)) + "..." : s)\""
    case .array: return "a list"
    case .object: return "an object"
    }
}

/// Compiled patterns, shared by one checker and its sub-checks.
final class RegexCache: @unchecked Sendable {
    private var compiled: [String: NSRegularExpression] = [:]
    private let lock = NSLock()

    /// Whether `pattern` matches anywhere in `text`; an uncompilable pattern matches everything.
    func matches(_ pattern: String, _ text: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let regex: NSRegularExpression
        if let r = compiled[pattern] {
            regex = r
        } else {
            guard let r = try? NSRegularExpression(pattern: pattern) else { return true }
            compiled[pattern] = r
            regex = r
        }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.firstMatch(in: text, range: range) != nil
    }
}
