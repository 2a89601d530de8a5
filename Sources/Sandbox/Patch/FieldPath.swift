import Resources

/// A path to a field in the FieldsV1 vocabulary: `f:<field>` for object keys and `k:<json>` for items of keyed
/// lists. Atomic lists and scalars are leaves.
typealias FieldPath = [String]

/// Where a value sits, for deciding how its lists merge: built-in kinds use Kubernetes' known merge keys;
/// custom resources follow their schema (`x-kubernetes-list-type: map` with `x-kubernetes-list-map-keys`),
/// and every other list is atomic, as in kube-apiserver.
struct ListContext {
    var builtin: Bool
    var schema: JSONValue?

    static let builtinKind = ListContext(builtin: true, schema: nil)

    static func of(_ t: ResourceType) -> ListContext { ListContext(builtin: !t.isCustom, schema: t.schema) }

    /// The context of an object field.
    func child(_ key: String) -> ListContext {
        guard let schema else { return self }
        if let p = schema["properties", key] { return ListContext(builtin: builtin, schema: p) }
        if let a = schema["additionalProperties"], a.objectValue != nil { return ListContext(builtin: builtin, schema: a) }
        return ListContext(builtin: builtin, schema: nil)
    }

    /// The context of a list's items.
    var items: ListContext { ListContext(builtin: builtin, schema: schema?["items"]) }
}

/// How lists merge: by which keys their items are identified (nil: atomic).
enum ListKeys {
    static func keys(field: String, items: [JSONValue], context: ListContext) -> [String]? {
        let declared: [String]?
        if context.builtin {
            declared = knownKey(field, items).map { [$0] }
        } else if context.schema?["x-kubernetes-list-type"]?.stringValue == "map" {
            declared = context.schema?["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue)
        } else {
            declared = nil
        }
        guard let declared, !declared.isEmpty, items.allSatisfy({ $0.objectValue != nil }) else { return nil }
        return items.allSatisfy({ item in declared.allSatisfy { item[$0] != nil } }) ? declared : nil
    }

    /// Whether two items have the same key values.
    static func same(_ a: JSONValue, _ b: JSONValue, keys: [String]) -> Bool {
        keys.allSatisfy { a[$0] == b[$0] }
    }

    private static func knownKey(_ field: String, _ items: [JSONValue]) -> String? {
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "volumes", "env", "imagePullSecrets":
            return "name"
        case "volumeMounts", "volumeDevices": return field == "volumeMounts" ? "mountPath" : "devicePath"
        case "ports":
            return items.contains { $0["containerPort"] != nil } ? "containerPort" : "port"
        case "hostAliases": return "ip"
        case "ownerReferences": return "uid"
        case "conditions": return "type"
        default: return nil
        }
    }

    static func itemElement(_ item: JSONValue, keys: [String]) -> String {
        var o = JSONObject()
        for k in keys { o[k] = item[k] ?? .null }
        return "k:" + JSONWriter.string(.object(o))
    }
}

/// Field sets of objects, and reading, removing and encoding paths.
enum FieldSets {
    static let systemMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds",
    ]

    /// The leaf paths (and keyed-list item paths) an object sets, as a manager would own them.
    static func fields(of obj: JSONValue, type t: ResourceType, subresource: String?) -> Set<FieldPath> {
        var out = Set<FieldPath>()
        guard let root = obj.objectValue else { return out }
        let context = ListContext.of(t)
        for (k, v) in root {
            if k == "apiVersion" || k == "kind" { continue }
            if subresource == "status" {
                if k == "status" { collect(v, ["f:status"], field: k, context: context.child(k), into: &out) }
                continue
            }
            if k == "status" && t.hasStatus { continue }
            if k == "metadata", let m = v.objectValue {
                for (mk, mv) in m where !systemMetadata.contains(mk) {
                    collect(mv, ["f:metadata", "f:\(mk)"], field: mk, context: .builtinKind, into: &out)
                }
                continue
            }
            collect(v, ["f:\(k)"], field: k, context: context.child(k), into: &out)
        }
        return out
    }

    private static func collect(
        _ v: JSONValue, _ path: FieldPath, field: String, context: ListContext, into out: inout Set<FieldPath>
    ) {
        switch v {
        case .object(let o) where !o.isEmpty:
            for (k, child) in o { collect(child, path + ["f:\(k)"], field: k, context: context.child(k), into: &out) }
        case .array(let items) where !items.isEmpty:
            if let keys = ListKeys.keys(field: field, items: items, context: context) {
                let itemContext = context.items
                for item in items {
                    let itemPath = path + [ListKeys.itemElement(item, keys: keys)]
                    out.insert(itemPath)
                    for (k, child) in item.objectValue ?? JSONObject() {
                        collect(child, itemPath + ["f:\(k)"], field: k, context: itemContext.child(k), into: &out)
                    }
                }
            } else {
                out.insert(path)
            }
        default:
            out.insert(path)
        }
    }

    /// The value at a path, or nil when absent.
    static func value(at path: FieldPath, in obj: JSONValue) -> JSONValue? {
        var current = obj
        for element in path {
            if element.hasPrefix("f:") {
                guard let next = current[String(element.dropFirst(2))] else { return nil }
                current = next
            } else if element.hasPrefix("k:") {
                guard let items = current.arrayValue, let index = itemIndex(items, element) else { return nil }
                current = items[index]
            } else {
                return nil
            }
        }
        return current
    }

    static func itemIndex(_ items: [JSONValue], _ element: String) -> Int? {
        guard let keyObj = try? JSONParser.parse(String(element.dropFirst(2))).objectValue else { return nil }
        return items.firstIndex { item in keyObj.allSatisfy { item[$0.key] == $0.value } }
    }

    /// Removes the field or list item at a path; does nothing when it is absent.
    static func remove(_ path: FieldPath, from obj: inout JSONValue) {
        guard let first = path.first else { return }
        if path.count == 1 {
            if first.hasPrefix("f:") {
                obj[String(first.dropFirst(2))] = nil
            } else if first.hasPrefix("k:"), var items = obj.arrayValue, let i = itemIndex(items, first) {
                items.remove(at: i)
                obj = .array(items)
            }
            return
        }
        if first.hasPrefix("f:") {
            let key = String(first.dropFirst(2))
            guard var child = obj[key] else { return }
            remove(Array(path.dropFirst()), from: &child)
            obj[key] = child
        } else if first.hasPrefix("k:"), var items = obj.arrayValue, let i = itemIndex(items, first) {
            remove(Array(path.dropFirst()), from: &items[i])
            obj = .array(items)
        }
    }

    /// FieldsV1 JSON for a set of paths.
    static func encode(_ set: Set<FieldPath>) -> JSONValue {
        var root: JSONValue = .object(JSONObject())
        for path in set.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            insert(path, into: &root)
        }
        return root
    }

    private static func insert(_ path: FieldPath, into node: inout JSONValue) {
        guard let first = path.first else { return }
        var child = node[first] ?? .object(JSONObject())
        if path.count == 1 {
            if first.hasPrefix("k:") { child["."] = .object(JSONObject()) }
        } else {
            insert(Array(path.dropFirst()), into: &child)
        }
        node[first] = child
    }

    /// The set of paths a FieldsV1 object names.
    static func decode(_ fields: JSONValue?, prefix: FieldPath = []) -> Set<FieldPath> {
        var out = Set<FieldPath>()
        guard let o = fields?.objectValue else { return out }
        if o.isEmpty && !prefix.isEmpty { return [prefix] }
        for (k, v) in o {
            if k == "." {
                out.insert(prefix)
            } else {
                out.formUnion(decode(v, prefix: prefix + [k]))
            }
        }
        return out
    }

    /// `.spec.template.spec.containers[name="app"].image`, as conflict messages print paths.
    static func describe(_ path: FieldPath) -> String {
        var out = ""
        for element in path {
            if element.hasPrefix("f:") {
                out += "." + element.dropFirst(2)
            } else if element.hasPrefix("k:"), let o = try? JSONParser.parse(String(element.dropFirst(2))).objectValue {
                out += "[" + o.map { "\($0.key)=\(JSONWriter.string($0.value))" }.joined(separator: ",") + "]"
            }
        }
        return out
    }
}
