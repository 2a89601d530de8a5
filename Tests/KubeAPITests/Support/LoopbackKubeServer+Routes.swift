import Foundation
import HTTPServer
import Resources

extension LoopbackKubeServer {
    typealias Reply = (status: Int, body: JSONValue, headers: [(name: String, value: String)])

    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let auth = request.header("Authorization") ?? ""
        let failure = state.withLock { s -> (code: Int, retryAfter: Int?)? in
            s.log.append(LoggedRequest(
                method: request.method, target: request.target, contentType: request.header("Content-Type") ?? "",
                authorization: auth, userAgent: request.header("User-Agent") ?? ""))
            return s.failures.isEmpty ? nil : s.failures.removeFirst()
        }
        var reply: Reply
        if let failure {
            let reason = [429: "TooManyRequests", 503: "ServiceUnavailable"][failure.code] ?? "InternalError"
            var details: JSONValue?
            if let after = failure.retryAfter { details = ["retryAfterSeconds": .int(Int64(after))] }
            reply = Self.status(failure.code, reason, "injected failure", details: details)
            if let after = failure.retryAfter { reply.headers.append(("Retry-After", String(after))) }
        } else if let token, auth != "Bearer " + token {
            reply = Self.status(401, "Unauthorized", "Unauthorized")
        } else {
            let body: JSONValue?
            if request.body.isEmpty {
                body = nil
            } else if let parsed = try? JSONParser.parse(request.body) {  // a bad body is the client's error: 400 below
                body = parsed
            } else {
                return respond(Self.status(400, "BadRequest", "the body is not JSON"))
            }
            reply = state.withLock { route(request, body: body, state: &$0) }
        }
        return respond(reply)
    }

    private func respond(_ reply: Reply) -> HTTPServerResponse {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var r = HTTPServerResponse.json(JSONWriter.bytes(reply.body), status: reply.status)
        r.headers.append(("Date", f.string(from: Date().addingTimeInterval(dateOffset))))
        r.headers += reply.headers
        return r
    }

    static func status(_ code: Int, _ reason: String, _ message: String, details: JSONValue? = nil) -> Reply {
        var s: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
            "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let details { s["details"] = details }
        return (code, s, [])
    }

    private func discovery(_ parts: [String], path: String) -> Reply? {
        if path == "/api" { return (200, ["kind": "APIVersions", "versions": ["v1"]], []) }
        if path == "/apis" {
            var seen: [String] = []
            var groups: [JSONValue] = []
            for r in Self.resources where !r.group.isEmpty && !seen.contains(r.groupVersion) {
                seen.append(r.groupVersion)
                let v: JSONValue = ["groupVersion": .string(r.groupVersion), "version": .string(r.version)]
                groups.append(["name": .string(r.group), "versions": [v], "preferredVersion": v])
            }
            return (200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)], [])
        }
        return nil
    }

    private func route(_ request: HTTPServerRequest, body: JSONValue?, state s: inout State) -> Reply {
        let path = request.path
        let parts = path.split(separator: "/").map(String.init)
        if let d = discovery(parts, path: path) { return d }
        let group: String
        let version: String
        var rest: [String]
        if parts.first == "api", parts.count >= 2 {
            (group, version, rest) = ("", parts[1], Array(parts.dropFirst(2)))
        } else if parts.first == "apis", parts.count >= 3 {
            (group, version, rest) = (parts[1], parts[2], Array(parts.dropFirst(3)))
        } else {
            return Self.status(404, "NotFound", "the server could not find the requested resource")
        }
        let table = Self.resources.filter { $0.group == group && $0.version == version }
        guard let gv = table.first?.groupVersion else {
            return Self.status(404, "NotFound", "the server could not find the requested resource")
        }
        if rest.isEmpty {
            var list: [JSONValue] = []
            for r in table {
                list.append([
                    "name": .string(r.name), "singularName": .string(r.kind.lowercased()), "namespaced": .bool(r.namespaced),
                    "kind": .string(r.kind), "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                ])
                if r.hasStatus {
                    list.append(["name": .string(r.name + "/status"), "namespaced": .bool(r.namespaced), "kind": .string(r.kind),
                                 "verbs": ["get", "patch", "update"]])
                }
            }
            return (200, ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv), "resources": .array(list)], [])
        }
        var namespace = ""
        if rest.first == "namespaces", rest.count >= 3 {
            namespace = rest[1]
            rest.removeFirst(2)
        }
        guard let resource = table.first(where: { $0.name == rest[0] }) else {
            return Self.status(404, "NotFound", "the server could not find the requested resource")
        }
        let name = rest.count > 1 ? rest[1] : nil
        let subresource = rest.count > 2 ? rest[2] : nil
        let verb = [
            "GET": name == nil ? "list" : "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete",
        ][request.method] ?? "unknown"
        if forbidden.contains("\(verb):\(resource.qualified)") {
            let scope = namespace.isEmpty ? " at the cluster scope" : " in the namespace \"\(namespace)\""
            return Self.status(
                403, "Forbidden",
                "\(resource.qualified) is forbidden: User \"system:serviceaccount:test:gitcanary\" cannot \(verb) "
                    + "resource \"\(resource.name)\" in API group \"\(group)\"\(scope)",
                details: ["kind": .string(resource.name), "group": .string(group)])
        }
        let ctx = Context(
            resource: resource, namespace: namespace, dryRun: request.query("dryRun") == "All",
            contentType: request.header("Content-Type") ?? "", fieldManager: request.query("fieldManager"))
        switch (request.method, name) {
        case ("GET", nil): return list(ctx, request, s)
        case ("POST", _): return create(ctx, body, &s)
        case (_, let name?): return item(ctx, request.method, name: name, subresource: subresource, body: body, &s)
        default: return Self.status(405, "MethodNotAllowed", "method not allowed")
        }
    }

    struct Context {
        var resource: Resource
        var namespace: String
        var dryRun: Bool
        var contentType: String
        var fieldManager: String?
        func key(_ name: String) -> Key {
            Key(groupVersion: resource.groupVersion, resource: resource.name, namespace: namespace, name: name)
        }
        func details(_ name: String) -> JSONValue {
            ["name": .string(name), "group": .string(resource.group), "kind": .string(resource.name)]
        }
    }
}
