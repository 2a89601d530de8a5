import Resources

/// The checks kube-apiserver makes on built-in kinds that matter to clients: required fields, types of the
/// fields controllers read, and selector/template agreement.
enum BuiltinValidation {
    static func causes(_ t: ResourceType, _ obj: JSONValue) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        for (section, value) in [("metadata.labels", obj["metadata", "labels"]), ("metadata.annotations", obj["metadata", "annotations"])] {
            guard let value, !value.isNull else { continue }
            guard let o = value.objectValue else {
                causes.append(typeCause(section, value, "object"))
                continue
            }
            for (k, v) in o where v.stringValue == nil {
                causes.append(typeCause("\(section).\(k)", v, "string"))
            }
        }
        switch (t.group, t.resource) {
        case ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "replicasets"), ("apps", "statefulsets"):
            causes += workload(obj, replicas: t.resource != "daemonsets")
        case ("", "configmaps"):
            for (k, v) in obj["data"]?.objectValue ?? JSONObject() where v.stringValue == nil {
                causes.append(typeCause("data.\(k)", v, "string"))
            }
        case ("", "services"):
            for (i, port) in (obj["spec", "ports"]?.arrayValue ?? []).enumerated() where port["port"]?.intValue == nil {
                causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.ports[\(i)].port"))
            }
        default:
            break
        }
        return causes
    }

    /// Fields that may not change once set (kube-apiserver answers 422 "field is immutable").
    static func immutableCauses(_ t: ResourceType, old: JSONValue, new: JSONValue) -> [APIError.Cause] {
        var paths: [[String]] = []
        switch (t.group, t.resource) {
        case ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "replicasets"), ("apps", "statefulsets"):
            paths = [["spec", "selector"]]
        case ("batch", "jobs"):
            paths = [["spec", "selector"], ["spec", "template"]]
        case ("", "services"):
            if new.value(at: ["spec", "clusterIP"]) != nil { paths = [["spec", "clusterIP"]] }
        case ("", "configmaps"), ("", "secrets"):
            if old["immutable"]?.boolValue == true { paths = [["data"], ["binaryData"], ["immutable"]] }
        default:
            break
        }
        return paths.compactMap { path in
            let before = old.value(at: path)
            let after = new.value(at: path)
            guard before != nil, before != after else { return nil }
            return .init(
                reason: "FieldValueInvalid",
                message: "Invalid value: \(JSONWriter.string(after ?? .null)): field is immutable",
                field: path.joined(separator: "."))
        }
    }

    static func typeCause(_ field: String, _ value: JSONValue, _ expected: String) -> APIError.Cause {
        .init(
            reason: "FieldValueTypeInvalid",
            message: "Invalid value: \"\(value.typeName)\": \(field) in body must be of type \(expected): \"\(value.typeName)\"",
            field: field)
    }

    private static func workload(_ obj: JSONValue, replicas: Bool) -> [APIError.Cause] {
        var causes: [APIError.Cause] = []
        if replicas, let r = obj["spec", "replicas"], !r.isNull {
            if r.intValue == nil || r.stringValue != nil {
                causes.append(typeCause("spec.replicas", r, "integer"))
            } else if let n = r.intValue, n < 0 {
                causes.append(.init(reason: "FieldValueInvalid",
                                    message: "Invalid value: \(n): must be greater than or equal to 0", field: "spec.replicas"))
            }
        }
        let matchLabels = obj["spec", "selector", "matchLabels"]?.objectValue
        if obj["spec", "selector"] == nil {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.selector"))
        }
        let templateLabels = obj["spec", "template", "metadata", "labels"]?.objectValue ?? JSONObject()
        if let matchLabels, !matchLabels.allSatisfy({ templateLabels[$0.key] == $0.value }) {
            causes.append(.init(
                reason: "FieldValueInvalid",
                message: "Invalid value: \(JSONWriter.string(.object(templateLabels))): `selector` does not match template `labels`",
                field: "spec.template.metadata.labels"))
        }
        let containers = obj["spec", "template", "spec", "containers"]
        if let c = containers, c.arrayValue == nil {
            causes.append(typeCause("spec.template.spec.containers", c, "array"))
        } else if (containers?.arrayValue ?? []).isEmpty {
            causes.append(.init(reason: "FieldValueRequired", message: "Required value", field: "spec.template.spec.containers"))
        } else {
            for (i, c) in (containers?.arrayValue ?? []).enumerated() {
                if (c["name"]?.stringValue ?? "").isEmpty {
                    causes.append(.init(reason: "FieldValueRequired", message: "Required value",
                                        field: "spec.template.spec.containers[\(i)].name"))
                }
                if (c["image"]?.stringValue ?? "").isEmpty {
                    causes.append(.init(reason: "FieldValueRequired", message: "Required value",
                                        field: "spec.template.spec.containers[\(i)].image"))
                }
            }
        }
        return causes
    }
}
