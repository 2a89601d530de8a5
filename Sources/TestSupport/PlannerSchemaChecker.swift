import Resources

/// A small checker of objects against a CRD's structural `openAPIV3Schema`, as an API server applies it:
/// types, unknown fields (which a server would prune), required fields, enums, items, additionalProperties,
/// `x-kubernetes-int-or-string` and `x-kubernetes-preserve-unknown-fields`. CEL rules and formats are not checked.
public enum StructuralSchemaChecker {
    /// Problems found, each as `<json path>: <problem>`; empty when the object conforms.
    public static func problems(_ value: JSONValue, schema: JSONValue, path: String = "") -> [String] {
        var out: [String] = []
        check(value, schema, path.isEmpty ? "." : path, &out)
        return out
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ out: inout [String]) {
        if schema["x-kubernetes-int-or-string"]?.boolValue == true {
            switch value {
            case .int, .string: return
            default:
                out.append("\(path): expected integer or string, found \(value.typeName)")
                return
            }
        }
        if let type = schema["type"]?.stringValue {
            let ok: Bool
            switch (type, value) {
            case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int): ok = true
            case ("number", .int), ("number", .double): ok = true
            default: ok = false
            }
            if !ok {
                out.append("\(path): expected \(type), found \(value.typeName)")
                return
            }
        }
        if let e = schema["enum"]?.arrayValue, !e.contains(value) {
            out.append("\(path): \(value) is not one of \(JSONValue.array(e))")
        }
        switch value {
        case .object(let object):
            let properties = schema["properties"]?.objectValue
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[key] == nil {
                out.append("\(path): missing required field \(key)")
            }
            for (key, child) in object {
                // ObjectMeta is validated by the API server itself, not by the CRD schema.
                if path == "." && (key == "apiVersion" || key == "kind" || key == "metadata") { continue }
                let childPath = path == "." ? ".\(key)" : "\(path).\(key)"
                if let p = properties?[key] {
                    check(child, p, childPath, &out)
                } else if let ap = schema["additionalProperties"], ap.objectValue != nil {
                    check(child, ap, childPath, &out)
                } else if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
                            || schema["additionalProperties"]?.boolValue == true {
                    continue
                } else if properties != nil || schema["type"]?.stringValue == "object" {
                    out.append("\(childPath): unknown field (would be pruned)")
                }
            }
        case .array(let items):
            guard let itemSchema = schema["items"] else { return }
            for (i, item) in items.enumerated() { check(item, itemSchema, "\(path)[\(i)]", &out) }
        default:
            break
        }
    }
}
