import Resources

/// JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the subset of strategic merge patch kubectl sends.
enum Patches {
    struct Failure: Error {
        var message: String
    }

    /// RFC 7386: objects merge recursively, `null` deletes, everything else replaces.
    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var t = target.objectValue ?? JSONObject()
        for (k, v) in p {
            if v.isNull {
                t[k] = nil
            } else {
                t[k] = merge(t[k] ?? .null, v)
            }
        }
        return .object(t)
    }

    /// RFC 6902 operations: add, remove, replace, move, copy, test.
    static func jsonPatch(_ target: JSONValue, _ patch: JSONValue) throws(Failure) -> JSONValue {
        guard let ops = patch.arrayValue else { throw Failure(message: "a JSON patch must be an array of operations") }
        var doc = target
        for op in ops {
            guard let name = op["op"]?.stringValue, let path = op["path"]?.stringValue else {
                throw Failure(message: "invalid JSON patch operation: \(JSONWriter.string(op))")
            }
            let tokens = try pointer(path)
            switch name {
            case "add":
                guard let value = op["value"] else { throw Failure(message: "add operation needs a value") }
                doc = try set(doc, tokens, value, insert: true)
            case "replace":
                guard let value = op["value"] else { throw Failure(message: "replace operation needs a value") }
                guard get(doc, tokens) != nil else { throw Failure(message: "replace operation does not apply: doc is missing key: \(path)") }
                doc = try set(doc, tokens, value, insert: false)
            case "remove":
                guard get(doc, tokens) != nil else { throw Failure(message: "remove operation does not apply: doc is missing path: \(path)") }
                doc = try removing(doc, tokens)
            case "move", "copy":
                guard let from = op["from"]?.stringValue, let value = get(doc, try pointer(from)) else {
                    throw Failure(message: "\(name) operation does not apply: missing from path")
                }
                if name == "move" { doc = try removing(doc, try pointer(from)) }
                doc = try set(doc, tokens, value, insert: true)
            case "test":
                guard get(doc, tokens) == op["value"] else { throw Failure(message: "testing value \(path) failed") }
            default:
                throw Failure(message: "unknown JSON patch operation \"\(name)\"")
            }
        }
        return doc
    }

    private static func pointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(message: "invalid JSON pointer \"\(path)\"") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingAll("~1", "/").replacingAll("~0", "~")
        }
    }

    private static func get(_ doc: JSONValue, _ tokens: [String]) -> JSONValue? {
        var current = doc
        for t in tokens {
            switch current {
            case .object(let o):
                guard let next = o[t] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(t), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    private static func set(_ doc: JSONValue, _ tokens: [String], _ value: JSONValue, insert: Bool) throws(Failure) -> JSONValue {
        guard let first = tokens.first else { return value }
        let rest = Array(tokens.dropFirst())
        switch doc {
        case .object(var o):
            if rest.isEmpty {
                o[first] = value
            } else {
                guard let child = o[first] else { throw Failure(message: "doc is missing path: /\(tokens.joined(separator: "/"))") }
                o[first] = try set(child, rest, value, insert: insert)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if first == "-" && insert {
                    a.append(value)
                } else if let i = Int(first), insert ? (0...a.count).contains(i) : a.indices.contains(i) {
                    if insert { a.insert(value, at: i) } else { a[i] = value }
                } else {
                    throw Failure(message: "array index \(first) out of bounds")
                }
            } else {
                guard let i = Int(first), a.indices.contains(i) else { throw Failure(message: "array index \(first) out of bounds") }
                a[i] = try set(a[i], rest, value, insert: insert)
            }
            return .array(a)
        default:
            throw Failure(message: "cannot set a field inside a \(doc.typeName)")
        }
    }

    private static func removing(_ doc: JSONValue, _ tokens: [String]) throws(Failure) -> JSONValue {
        guard let first = tokens.first else { return .null }
        let rest = Array(tokens.dropFirst())
        switch doc {
        case .object(var o):
            if rest.isEmpty { o[first] = nil } else if let child = o[first] { o[first] = try removing(child, rest) }
            return .object(o)
        case .array(var a):
            guard let i = Int(first), a.indices.contains(i) else { throw Failure(message: "array index \(first) out of bounds") }
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try removing(a[i], rest) }
            return .array(a)
        default:
            throw Failure(message: "cannot remove a field inside a \(doc.typeName)")
        }
    }

    /// Strategic merge patch for built-in kinds: maps merge recursively, `null` deletes, lists of containers,
    /// ports, env, volumes, volumeMounts, imagePullSecrets (and the other keyed lists) merge by their key,
    /// `$patch: delete` removes a list item, `$patch: replace` replaces, `$setElementOrder` orders,
    /// `$deleteFromPrimitiveList` removes values; `$retainKeys` is rejected.
    static func strategic(_ target: JSONValue, _ patch: JSONValue, field: String = "") throws(Failure) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        if p["$patch"]?.stringValue == "replace" {
            var replaced = p
            replaced["$patch"] = nil
            return .object(replaced)
        }
        if p["$retainKeys"] != nil { throw Failure(message: "$retainKeys is not supported by the Sandbox") }
        var t = target.objectValue ?? JSONObject()
        var orders: [String: [JSONValue]] = [:]
        for (k, v) in p {
            if k.hasPrefix("$setElementOrder/") {
                orders[String(k.dropFirst("$setElementOrder/".count))] = v.arrayValue ?? []
                continue
            }
            if k.hasPrefix("$deleteFromPrimitiveList/") {
                let name = String(k.dropFirst("$deleteFromPrimitiveList/".count))
                let remove = v.arrayValue ?? []
                if let existing = t[name]?.arrayValue { t[name] = .array(existing.filter { !remove.contains($0) }) }
                continue
            }
            if k == "$patch" { continue }
            if k.hasPrefix("$") { throw Failure(message: "unsupported strategic merge patch directive \(k)") }
            if v.isNull {
                t[k] = nil
            } else if case .array(let items) = v {
                t[k] = try mergeList(t[k]?.arrayValue, items, field: k)
            } else if case .object = v {
                t[k] = try strategic(t[k] ?? .null, v, field: k)
            } else {
                t[k] = v
            }
        }
        for (k, order) in orders {
            guard let items = t[k]?.arrayValue, let keys = ListKeys.keys(field: k, items: items, context: .builtinKind)
            else { continue }
            let ordered = order.compactMap { o in items.first { ListKeys.same($0, o, keys: keys) } }
            let rest = items.filter { item in !order.contains { ListKeys.same($0, item, keys: keys) } }
            t[k] = .array(ordered + rest)
        }
        return .object(t)
    }

    private static func mergeList(_ base: [JSONValue]?, _ patch: [JSONValue], field: String) throws(Failure) -> JSONValue {
        let all = (base ?? []) + patch.filter { $0["$patch"] == nil }
        guard let base, let keys = ListKeys.keys(field: field, items: all.isEmpty ? patch : all, context: .builtinKind),
            patch.allSatisfy({ $0.objectValue != nil })
        else {
            return .array(patch.filter { $0["$patch"] == nil })
        }
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return .array(patch.filter { $0["$patch"] == nil })
        }
        var out = base
        for item in patch {
            let index = out.firstIndex { ListKeys.same($0, item, keys: keys) }
            if item["$patch"]?.stringValue == "delete" {
                if let index { out.remove(at: index) }
            } else if let index {
                out[index] = try strategic(out[index], item)
            } else {
                var clean = item
                clean["$patch"] = nil
                out.append(try strategic(.object(JSONObject()), clean))
            }
        }
        return .array(out)
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
