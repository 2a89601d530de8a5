import Foundation
import HTTPServer
import Resources

extension Sandbox {
    /// Routes one HTTP request: Prometheus, loadtester, health, auth, control API, discovery, resources.
    func respond(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let path = request.path
        if path == "/metrics" {
            let text = state.withLock { s -> String in
                s.cluster.settle()
                return s.cluster.traffic.exposition()
            }
            return .text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        if path.hasPrefix("/prometheus/") { return prometheus(request) }
        if path == "/loadtester" || path.hasPrefix("/loadtester/") {
            let (code, text) = state.withLock { $0.loadtester.handle(path: path, body: request.body) }
            return .text(text, status: code)
        }
        if ["/healthz", "/readyz", "/livez"].contains(path) { return .text("ok") }
        var user: RBACUser? = nil
        if rbac {
            guard let u = authenticate(request) else { return Self.json(401, APIError.unauthorized.status) }
            user = u
        } else if let token, request.header("Authorization") != "Bearer \(token)" {
            return Self.json(401, APIError.unauthorized.status)
        }
        if path.hasPrefix("/sandbox/") {
            if let user, !user.isPrivileged {
                return Self.json(403, RBACAttributes.forbiddenPath(user: user, verb: request.method.lowercased(), path: path).status)
            }
            return control(request)
        }
        let response: HTTPServerResponse
        if let resourcePath = ResourcePath(path) {
            response = resource(request, path: resourcePath, user: user)
        } else {
            response = discovery(request)
        }
        state.withLock { $0.counts.addBytes(received: request.body.count, sent: response.body.count) }
        return response
    }

    static func json(_ code: Int, _ value: JSONValue) -> HTTPServerResponse {
        .json(JSONWriter.bytes(value), status: code)
    }

    private func discovery(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let path = request.path.hasSuffix("/") && request.path.count > 1 ? String(request.path.dropLast()) : request.path
        let segs = path.split(separator: "/").map(String.init)
        let registry = state.withLock { s -> ResourceRegistry in
            s.counts.discovery += 1
            return s.cluster.registry
        }
        let body: JSONValue?
        switch segs.count {
        case 1 where segs[0] == "version": body = Discovery.kubernetesVersion
        case 1 where segs[0] == "api": body = Discovery.coreVersions(serverAddress: "127.0.0.1:\(port)")
        case 1 where segs[0] == "apis": body = Discovery.groupList(registry)
        case 2 where segs[0] == "api": body = Discovery.resourceList(registry, group: "", version: segs[1])
        case 2 where segs[0] == "apis": body = Discovery.group(registry, name: segs[1])
        case 3 where segs[0] == "apis": body = Discovery.resourceList(registry, group: segs[1], version: segs[2])
        default: body = nil
        }
        guard let body else { return Self.json(404, APIError.notFoundPath(path).status) }
        return Self.json(200, body)
    }

    private func resource(_ request: HTTPServerRequest, path: ResourcePath, user: RBACUser?) -> HTTPServerResponse {
        let call = APICall(request, path: path)
        if let user {
            if path.group == "authorization.k8s.io" && path.resource == "selfsubjectaccessreviews" {
                return selfSubjectAccessReview(user, call: call)
            }
            if let denied = authorizeResource(user, call: call) { return denied }
        }
        let fault = state.withLock { s -> FaultRule.Action? in
            s.counts.add(verb: call.verb, path: path)
            let t = s.cluster.registry.lookup(group: path.group, version: path.version, resource: path.resource)
            var action: FaultRule.Action? = nil
            for i in s.faults.indices where s.faults[i].matches(verb: call.verb, type: t, path: path) {
                if s.faults[i].fire(), action == nil { action = s.faults[i].action }
            }
            return action
        }
        var lostResponse = false
        if let fault {
            logger.info("sandbox fault injected", metadata: ["verb": "\(call.verb)", "path": "\(request.path)"])
            switch fault {
            case .hang: return .hang
            case .hangAfterApply: lostResponse = true
            case .reset: return .reset
            case .status(let code, let message):
                let reason: String
                switch code {
                case 409: reason = "Conflict"
                case 429: reason = "TooManyRequests"
                case 503: reason = "ServiceUnavailable"
                case 504: reason = "Timeout"
                case 404: reason = "NotFound"
                case 403: reason = "Forbidden"
                default: reason = "InternalError"
                }
                let error = APIError(code: code, reason: reason, message: message ?? "injected fault: \(code) for \(call.verb) \(request.path)")
                return Self.json(code, error.status)
            }
        }
        if call.verb == "watch" { return lostResponse ? .hang : watch(call) }
        if call.verb == "list" && !TableView.wanted(call.accept) { return lostResponse ? .hang : list(call) }
        let reading = call.verb == "get" || call.verb == "list"
        let result = state.withLock { s -> Result<(Int, JSONValue), APIError> in
            s.cluster.settle(traffic: !reading)
            do throws(APIError) {
                return .success(try s.cluster.handle(call))
            } catch {
                return .failure(error)
            }
        }
        if lostResponse { return .hang }
        switch result {
        case .success(let (code, body)):
            logger.debug("sandbox request", metadata: ["verb": "\(call.verb)", "path": "\(path.resourceWithSubresource)", "code": "\(code)"])
            return Self.json(code, body)
        case .failure(let error):
            logger.debug("sandbox request failed", metadata: [
                "verb": "\(call.verb)", "path": "\(path.resourceWithSubresource)", "code": "\(error.code)", "reason": "\(error.reason)",
            ])
            return Self.json(error.code, error.status)
        }
    }

    /// LIST as JSON, from each object's bytes kept between its changes (see `Cluster.listBytes`).
    private func list(_ call: APICall) -> HTTPServerResponse {
        let result = state.withLock { s -> Result<[UInt8], APIError> in
            s.cluster.settle(traffic: false)
            do throws(APIError) {
                let t = try s.cluster.resolve(call.path)
                return .success(try s.cluster.listBytes(t, namespace: call.path.namespace, options: try call.listOptions()))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let bytes):
            logger.debug("sandbox request", metadata: ["verb": "list", "path": "\(call.path.resourceWithSubresource)", "code": "200"])
            return .json(bytes, status: 200)
        case .failure(let error):
            logger.debug("sandbox request failed", metadata: [
                "verb": "list", "path": "\(call.path.resourceWithSubresource)", "code": "\(error.code)", "reason": "\(error.reason)",
            ])
            return Self.json(error.code, error.status)
        }
    }

    /// Watch: a chunked stream of newline-separated events. Without a resourceVersion (or with "0") it starts with
    /// an ADDED event per object; then it sends every change after the version it has sent, until
    /// `timeoutSeconds` (at most 60 s), the client leaves, or the Sandbox stops.
    private func watch(_ call: APICall) -> HTTPServerResponse {
        let options: ListOptions
        let t: ResourceType
        do {
            options = try call.listOptions()
            t = try state.withLock { s throws(APIError) -> ResourceType in try s.cluster.resolve(call.path) }
        } catch {
            return Self.json(error.code, error.status)
        }
        let limit = min(Double(call.query["timeoutSeconds"] ?? "") ?? 60, 60)
        return .streaming(headers: [("Content-Type", "application/json")]) { [self] writer in
            let deadline = Date().addingTimeInterval(limit)
            var cursor = options
            while writer.isOpen && Date() < deadline {
                let (events, latest) = state.withLock { s -> ([JSONValue], Int64) in
                    s.cluster.settle(traffic: false)
                    var events = s.cluster.watchEvents(t, namespace: call.path.namespace, options: cursor)
                    if TableView.wanted(call.accept) {
                        for i in events.indices {
                            let obj = events[i]["object"] ?? .null
                            events[i]["object"] = s.cluster.table(t, [obj], listMeta: nil, call: call)
                        }
                    }
                    return (events, s.cluster.resourceVersion)
                }
                for e in events where !writer.write(JSONWriter.bytes(e) + [10]) { return }
                if events.contains(where: { $0["type"] == "ERROR" }) { return }
                cursor.resourceVersion = String(latest)
                usleep(50_000)
            }
        }
    }

    private func prometheus(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let sub = String(request.path.dropFirst("/prometheus".count))
        switch sub {
        case "/api/v1/query":
            var params = request.queryItems
            if request.method == "POST" { params += HTTPServerRequest.parseForm(request.bodyText) }
            guard let query = params.first(where: { $0.name == "query" })?.value else {
                return Self.json(400, ["status": "error", "errorType": "bad_data", "error": "missing query parameter"])
            }
            let (code, body) = state.withLock { s -> (Int, JSONValue) in
                s.cluster.settle()
                let time = params.first(where: { $0.name == "time" }).flatMap { Double($0.value) }
                    ?? s.cluster.now.timeIntervalSince1970
                return PrometheusAPI.query(query, time: time, cluster: s.cluster)
            }
            return Self.json(code, body)
        case "/-/ready", "/-/healthy":
            return .text("Prometheus Server is Ready.\n")
        case "/api/v1/status/buildinfo":
            return Self.json(200, ["status": "success", "data": ["version": "2.45.0-gitcanary-sandbox"]])
        default:
            return Self.json(404, ["status": "error", "errorType": "not_found", "error": .string("unknown path \(sub)")])
        }
    }
}
