import Resources

/// Validation and pruning of custom resources against a CRD version's structural schema, as kube-apiserver does:
/// wrong types and missing required fields are Invalid causes; fields the schema does not declare are dropped
/// unless `x-kubernetes-preserve-unknown-fields` is set; `null` in a non-nullable field is dropped; defaults are
/// filled in for absent properties.
enum StructuralSchema {
    struct Result {
        var value: JSONValue
        var causes: [APIError.Cause]
        /// Paths of the fields dropped because the schema does not declare them.
        var pruned: [String] = []
    }

    static func validateAndPrune(_ object: JSONValue, schema: JSONValue) -> Result {
        var causes: [APIError.Cause] = []
        var pruned: [String] = []
        guard case .object(let root) = object else {
            return Result(value: object, causes: [.init(reason: "FieldValueInvalid", message: "must be an object", field: "")])
        }
        var out = JSONObject()
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        for (key, value) in root {
            if ["apiVersion", "kind", "metadata"].contains(key) {
                out[key] = value
            } else if let child = properties[key] {
                if let v = walk(value, child, path: key, causes: &causes, pruned: &pruned) { out[key] = v }
            } else if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true {
                out[key] = value
            } else {
                pruned.append(key)
            }
        }
        for (key, child) in properties where out[key] == nil && !["apiVersion", "kind", "metadata"].contains(key) {
            if let d = child["default"] { out[key] = d }
        }
        for case .string(let req) in schema["required"]?.arrayValue ?? [] where out[req] == nil {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: req))
        }
        return Result(value: .object(out), causes: causes, pruned: pruned)
    }

    private static func typeError(_ value: JSONValue, _ expected: String, _ path: String) -> APIError.Cause {
        .init(
            reason: "FieldValueTypeInvalid",
            message: "Invalid value: \"\(value.typeName)\": \(path) in body must be of type \(expected): \"\(value.typeName)\"",
            field: path)
    }

    /// Validates one value; returns the pruned value, or nil when it is dropped.
    static func walk(
        _ value: JSONValue, _ schema: JSONValue, path: String, causes: inout [APIError.Cause], pruned: inout [String]
    ) -> JSONValue? {
        if value.isNull {
            return schema["nullable"]?.boolValue == true ? value : nil
        }
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        if schema["x-kubernetes-int-or-string"]?.boolValue == true {
            switch value {
            case .int, .string: return value
            case .double(let d) where d.rounded() == d: return value
            default:
                causes.append(typeError(value, "int-or-string", path))
                return value
            }
        }
        let type = schema["type"]?.stringValue
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map { JSONWriter.string($0) }.joined(separator: ", ")
            causes.append(.init(
                reason: "FieldValueNotSupported",
                message: "Unsupported value: \(JSONWriter.string(value)): supported values: \(list)", field: path))
        }
        switch type {
        case "object":
            guard case .object(let o) = value else {
                causes.append(typeError(value, "object", path))
                return value
            }
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            var out = JSONObject()
            for (key, child) in o {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if let p = properties?[key] {
                    if let v = walk(child, p, path: childPath, causes: &causes, pruned: &pruned) { out[key] = v }
                } else if let a = additional, a.objectValue != nil {
                    if let v = walk(child, a, path: childPath, causes: &causes, pruned: &pruned) { out[key] = v }
                } else if additional?.boolValue == true || preserve {
                    out[key] = child
                } else {
                    pruned.append(childPath)
                }
            }
            for (key, p) in properties ?? JSONObject() where out[key] == nil {
                if let d = p["default"] { out[key] = d }
            }
            for case .string(let req) in schema["required"]?.arrayValue ?? [] where out[req] == nil {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "\(path).\(req)"))
            }
            return .object(out)
        case "array":
            guard case .array(let a) = value else {
                causes.append(typeError(value, "array", path))
                return value
            }
            guard let items = schema["items"] else { return value }
            var out: [JSONValue] = []
            for (i, element) in a.enumerated() {
                if let v = walk(element, items, path: "\(path)[\(i)]", causes: &causes, pruned: &pruned) { out.append(v) }
            }
            return .array(out)
        case "string":
            if value.stringValue == nil { causes.append(typeError(value, "string", path)) }
            return value
        case "integer":
            if value.intValue == nil || value.stringValue != nil { causes.append(typeError(value, "integer", path)) }
            return value
        case "number":
            if value.doubleValue == nil { causes.append(typeError(value, "number", path)) }
            return value
        case "boolean":
            if value.boolValue == nil { causes.append(typeError(value, "boolean", path)) }
            return value
        default:
            return value
        }
    }
}
