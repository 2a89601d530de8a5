import Foundation
import HTTPServer
import Resources

extension LoopbackKubeServer {
    func list(_ c: Context, _ request: HTTPServerRequest, _ s: State) -> Reply {
        let labels = request.query("labelSelector") ?? ""
        let fields = request.query("fieldSelector") ?? ""
        let items = s.store
            .filter { k, v in
                k.groupVersion == c.resource.groupVersion && k.resource == c.resource.name
                    && (c.namespace.isEmpty || k.namespace == c.namespace) && Self.selects(v, labels: labels, fields: fields)
            }
            .sorted { $0.key < $1.key }.map(\.value)
        let start = request.query("continue").flatMap { Data(base64Encoded: $0) }.flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        let limit = Int(request.query("limit") ?? "") ?? 0
        let end = limit > 0 ? min(items.count, start + limit) : items.count
        var meta: JSONValue = ["resourceVersion": .string(String(s.resourceVersion))]
        if end < items.count {
            meta["continue"] = .string(Data(String(end).utf8).base64EncodedString())
            meta["remainingItemCount"] = .int(Int64(items.count - end))
        }
        let page = start < end ? Array(items[start..<end]) : []
        return (200, [
            "kind": .string(c.resource.kind + "List"), "apiVersion": .string(c.resource.groupVersion), "metadata": meta,
            "items": .array(page),
        ], [])
    }

    func create(_ c: Context, _ body: JSONValue?, _ s: inout State) -> Reply {
        guard var obj = body, let name = obj["metadata", "name"]?.stringValue, !name.isEmpty else {
            return Self.status(
                422, "Invalid",
                "\(c.resource.kind).\(c.resource.group) \"\" is invalid: metadata.name: Required value: name or generateName is required",
                details: ["kind": .string(c.resource.kind), "group": .string(c.resource.group), "causes": [[
                    "reason": "FieldValueRequired", "message": "Required value: name or generateName is required",
                    "field": "metadata.name",
                ]]])
        }
        if s.store[c.key(name)] != nil {
            return Self.status(409, "AlreadyExists", "\(c.resource.qualified) \"\(name)\" already exists", details: c.details(name))
        }
        if c.resource.hasStatus { obj["status"] = nil }
        obj["apiVersion"] = .string(c.resource.groupVersion)
        obj["kind"] = .string(c.resource.kind)
        if c.resource.namespaced { obj.set(.string(c.namespace.isEmpty ? "default" : c.namespace), at: ["metadata", "namespace"]) }
        obj.set(.string(UUID().uuidString.lowercased()), at: ["metadata", "uid"])
        obj.set(.int(1), at: ["metadata", "generation"])
        if !c.dryRun {
            s.resourceVersion += 1
            obj.set(.string(String(s.resourceVersion)), at: ["metadata", "resourceVersion"])
            s.store[c.key(name)] = obj
        }
        return (201, obj, [])
    }

    func item(_ c: Context, _ method: String, name: String, subresource: String?, body: JSONValue?, _ s: inout State) -> Reply {
        let key = c.key(name)
        let isApply = method == "PATCH" && c.contentType == "application/apply-patch+yaml"
        guard let current = s.store[key] else {
            if !isApply {
                return Self.status(404, "NotFound", "\(c.resource.qualified) \"\(name)\" not found", details: c.details(name))
            }
            return write(c, key: key, name: name, current: nil, new: body ?? [:], subresource: subresource, &s)
        }
        let currentRV = current["metadata", "resourceVersion"]?.stringValue
        let conflict = Self.status(
            409, "Conflict",
            "Operation cannot be fulfilled on \(c.resource.qualified) \"\(name)\": the object has been modified; please "
                + "apply your changes to the latest version and try again", details: c.details(name))
        switch method {
        case "GET":
            return (200, current, [])
        case "DELETE":
            let pre = body?["preconditions"]
            if let rv = pre?["resourceVersion"]?.stringValue, rv != currentRV { return conflict }
            if let uid = pre?["uid"]?.stringValue, uid != current["metadata", "uid"]?.stringValue { return conflict }
            if !c.dryRun { s.store[key] = nil }
            return (200, current, [])
        case "PUT":
            if let rv = body?["metadata", "resourceVersion"]?.stringValue, !rv.isEmpty, rv != currentRV { return conflict }
            return write(c, key: key, name: name, current: current, new: body ?? [:], subresource: subresource, &s)
        default:
            let patched: JSONValue
            switch c.contentType {
            case "application/json-patch+json":
                guard let ops = body?.arrayValue, let p = Self.jsonPatch(current, ops) else {
                    return Self.status(422, "Invalid", "the JSON patch could not be applied")
                }
                patched = p
            case "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml":
                if isApply, c.fieldManager?.isEmpty ?? true {
                    return Self.status(400, "BadRequest", "fieldManager is required for apply requests")
                }
                if let rv = body?["metadata", "resourceVersion"]?.stringValue, rv != currentRV { return conflict }
                patched = Self.merge(current, body ?? [:])
            default:
                return Self.status(415, "UnsupportedMediaType", "the body of the request was in an unknown format")
            }
            return write(c, key: key, name: name, current: current, new: patched, subresource: subresource, &s)
        }
    }

    /// Stores `new` over `current`: status only through `/status` for kinds with a status subresource.
    private func write(
        _ c: Context, key: Key, name: String, current: JSONValue?, new: JSONValue, subresource: String?, _ s: inout State
    ) -> Reply {
        var out = current ?? [
            "apiVersion": .string(c.resource.groupVersion), "kind": .string(c.resource.kind),
            "metadata": ["name": .string(name), "namespace": .string(c.namespace), "uid": .string(UUID().uuidString.lowercased()),
                         "generation": 0],
        ]
        if subresource == "status" {
            out["status"] = new["status"]
        } else {
            for (k, v) in new.objectValue ?? JSONObject() where k != "metadata" && (k != "status" || !c.resource.hasStatus) {
                out[k] = v
            }
            for k in ["labels", "annotations"] {
                if let v = new["metadata", k] { out.set(v, at: ["metadata", k]) }
            }
            if out["spec"] != current?["spec"] {
                out.set(.int((current?["metadata", "generation"]?.intValue ?? 0) + 1), at: ["metadata", "generation"])
            }
        }
        if !c.dryRun {
            s.resourceVersion += 1
            out.set(.string(String(s.resourceVersion)), at: ["metadata", "resourceVersion"])
            s.store[key] = out
        }
        return (current == nil ? 201 : 200, out, [])
    }

    /// Equality-based label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`) and field selectors (`x.y=v`).
    static func selects(_ obj: JSONValue, labels: String, fields: String) -> Bool {
        let lab = obj["metadata", "labels"]
        for term in labels.split(separator: ",").map(String.init) {
            if let r = term.range(of: "!=") {
                if lab?[String(term[..<r.lowerBound])]?.stringValue == String(term[r.upperBound...]) { return false }
            } else if let r = term.range(of: "=") {
                let k = String(term[..<r.lowerBound])
                let v = String(term[r.upperBound...]).drop { $0 == "=" }
                if lab?[k]?.stringValue != String(v) { return false }
            } else if term.hasPrefix("!") {
                if lab?[String(term.dropFirst())] != nil { return false }
            } else if lab?[term] == nil {
                return false
            }
        }
        for term in fields.split(separator: ",") {
            let kv = term.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { return false }
            if obj.value(at: kv[0].split(separator: ".").map(String.init))?.stringValue != kv[1] { return false }
        }
        return true
    }

    /// RFC 7386 merge patch.
    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard let p = patch.objectValue else { return patch }
        var out = target.objectValue != nil ? target : .object(JSONObject())
        for (k, v) in p {
            if v.isNull { out[k] = nil } else { out[k] = merge(out[k] ?? .null, v) }
        }
        return out
    }

    /// RFC 6902 `add`, `replace`, `remove` and `test` on object members and array elements.
    static func jsonPatch(_ doc: JSONValue, _ ops: [JSONValue]) -> JSONValue? {
        var doc = doc
        for op in ops {
            guard let kind = op["op"]?.stringValue, let path = op["path"]?.stringValue else { return nil }
            let keys = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
                .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
            guard let updated = apply(kind, keys: keys[...], value: op["value"], to: doc) else { return nil }
            doc = updated
        }
        return doc
    }

    private static func apply(_ op: String, keys: ArraySlice<String>, value: JSONValue?, to node: JSONValue) -> JSONValue? {
        guard let key = keys.first else { return op == "test" ? (node == value ? node : nil) : value }
        let last = keys.count == 1
        if case .array(var a) = node {
            let index = key == "-" ? a.count : Int(key) ?? -1
            guard index >= 0, index <= a.count else { return nil }
            if last {
                switch op {
                case "add": a.insert(value ?? .null, at: index)
                case "replace" where index < a.count: a[index] = value ?? .null
                case "remove" where index < a.count: a.remove(at: index)
                case "test" where index < a.count: return a[index] == value ? node : nil
                default: return nil
                }
                return .array(a)
            }
            guard index < a.count, let child = apply(op, keys: keys.dropFirst(), value: value, to: a[index]) else { return nil }
            a[index] = child
            return .array(a)
        }
        guard var o = node.objectValue else { return nil }
        if last {
            switch op {
            case "add", "replace": o[key] = value ?? .null
            case "remove": o[key] = nil
            case "test": return o[key] == value ? node : nil
            default: return nil
            }
            return .object(o)
        }
        guard let child = o[key], let updated = apply(op, keys: keys.dropFirst(), value: value, to: child) else { return nil }
        o[key] = updated
        return .object(o)
    }
}
