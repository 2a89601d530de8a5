import Resources

/// A Kubernetes API error, rendered as a `Status` body with the matching HTTP code.
struct APIError: Error, Sendable {
    /// One field problem of an Invalid error.
    struct Cause: Sendable {
        var reason: String
        var message: String
        var field: String
    }

    var code: Int
    var reason: String
    var message: String
    var name: String? = nil
    var group: String? = nil
    var kind: String? = nil
    var causes: [Cause] = []

    /// The `Status` object.
    var status: JSONValue {
        var details = JSONObject()
        if let name { details["name"] = .string(name) }
        if let group { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(
                causes.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] })
        }
        var o = JSONObject()
        o["kind"] = "Status"
        o["apiVersion"] = "v1"
        o["metadata"] = .object(JSONObject())
        o["status"] = "Failure"
        o["message"] = .string(message)
        o["reason"] = .string(reason)
        if !details.isEmpty { o["details"] = .object(details) }
        o["code"] = .int(Int64(code))
        return .object(o)
    }

    static func notFound(_ t: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(t.qualifiedResource) \"\(name)\" not found", name: name,
            group: t.group, kind: t.resource)
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found", name: namespace, group: "",
            kind: "namespaces")
    }

    static func alreadyExists(_ t: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(t.qualifiedResource) \"\(name)\" already exists",
            name: name, group: t.group, kind: t.resource)
    }

    static func conflict(_ t: ResourceType, _ name: String, _ detail: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(t.qualifiedResource) \"\(name)\": \(detail)", name: name,
            group: t.group, kind: t.resource)
    }

    static func staleResourceVersion(_ t: ResourceType, _ name: String) -> APIError {
        conflict(
            t, name, "the object has been modified; please apply your changes to the latest version and try again")
    }

    static func invalid(_ t: ResourceType, _ name: String, _ causes: [Cause]) -> APIError {
        let summary = causes.map { "\($0.field): \($0.message)" }
        let text = summary.count == 1 ? summary[0] : "[" + summary.joined(separator: ", ") + "]"
        return APIError(
            code: 422, reason: "Invalid", message: "\(t.qualifiedKind) \"\(name)\" is invalid: \(text)", name: name,
            group: t.group, kind: t.kind, causes: causes)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ message: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }

    static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: message)
    }

    static func notFoundPath(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}
