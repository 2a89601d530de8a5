import Foundation
import HTTPServer
import KubeAPI
import Resources
import Synchronization

/// A minimal Kubernetes API on loopback for the Applier and Lease round trips (until the Sandbox is on main):
/// GET/LIST (equality label selectors), POST (AlreadyExists), PUT (resourceVersion preconditions → Conflict),
/// PATCH application/apply-patch+yaml (fieldManager required; fields merged into the stored object, so fields the
/// apply omits are kept, as server-side apply keeps another manager's fields; 201 on create; dryRun=All stores
/// nothing), DELETE, Flagger's kinds served as if their CRDs were installed, CRDs that become Established after a delay, discovery of their group versions, injected
/// failures, and request counts. LIST items carry no apiVersion/kind, as the real server's JSON lists.
final class ApplierFakeAPI: Sendable {
    struct State {
        var objects: [String: JSONValue] = [:]
        var crdCreated: [String: Int] = [:]  // CRD name → GETs seen since it was created
        var rv = 100
        var counts: [String: Int] = [:]
        var failures: [(method: String, pathSuffix: String, status: Int)] = []
        var applyBodies: [String: JSONValue] = [:]
        var applyLog: [(manager: String, path: String, body: JSONValue)] = []
    }

    let state = Mutex(State())
    /// How many GETs of a new CRD report it not yet established (counts, not time: deterministic under load).
    let crdNotReadyGets: Int
    private(set) nonisolated(unsafe) var server: HTTPServer?

    init(crdNotReadyGets: Int = 0) throws {
        self.crdNotReadyGets = crdNotReadyGets
        let s = try HTTPServer { [weak self] request in
            guard let self else { return .text("gone", status: 503) }
            return self.handle(request)
        }
        server = s
    }

    var baseURL: String { server?.baseURL ?? "" }
    func stop() { server?.stop() }

    /// A client for this server (no retries, so injected failures show).
    func client() throws -> KubeClient {
        KubeClient(configuration: KubeClientConfiguration(server: baseURL), http: try CurlHTTPClient(), retry: .none)
    }

    /// Requests by `METHOD resource` (`PATCH deployments`, `GET leases`, `LIST configmaps`).
    var counts: [String: Int] { state.withLock { $0.counts } }
    /// Mutating requests (POST, PUT, PATCH, DELETE) so far.
    var writes: Int { counts.filter { ["POST", "PUT", "PATCH", "DELETE"].contains(String($0.key.split(separator: " ")[0])) }.values.reduce(0, +) }
    func resetCounts() { state.withLock { $0.counts = [:] } }
    func fail(_ method: String, pathSuffix: String, status: Int) { state.withLock { $0.failures.append((method, pathSuffix, status)) } }
    func clearFailures() { state.withLock { $0.failures = [] } }

    /// The stored object at a path (`/apis/apps/v1/namespaces/prod/deployments/podinfo`).
    func object(_ path: String) -> JSONValue? { state.withLock { $0.objects[path] } }
    /// Stores an object directly (another writer).
    func put(_ path: String, _ object: JSONValue) {
        state.withLock { s in
            s.rv += 1
            var o = object
            o.set(.string(String(s.rv)), at: ["metadata", "resourceVersion"])
            s.objects[path] = o
        }
    }
    /// Every apply so far: field manager, path, body.
    var applyLog: [(manager: String, path: String, body: JSONValue)] { state.withLock { $0.applyLog } }
    /// The last apply body sent for a path.
    func lastApply(_ path: String) -> JSONValue? { state.withLock { $0.applyBodies[path] } }

    // MARK: - Handling

    private func handle(_ req: HTTPServerRequest) -> HTTPServerResponse {
        let path = req.path
        let segments = path.split(separator: "/").map(String.init)
        guard segments.first == "api" || segments.first == "apis" else { return status(404, "NotFound", "no such path \(path)") }
        let prefixCount = segments.first == "api" ? 2 : 3
        guard segments.count >= prefixCount else { return status(404, "NotFound", path) }
        let gv = segments[1..<prefixCount].joined(separator: "/")
        let rest = Array(segments[prefixCount...])
        if rest.isEmpty { return discovery(gv) }
        var namespace: String?
        var resource: String
        var name: String?
        if rest[0] == "namespaces", rest.count >= 3 {
            namespace = rest[1]
            resource = rest[2]
            name = rest.count > 3 ? rest[3] : nil
        } else {
            resource = rest[0]
            name = rest.count > 1 ? rest[1] : nil
        }
        let verb = req.method == "GET" && name == nil ? "LIST" : req.method
        let injected: Int? = state.withLock { s in
            s.counts["\(verb) \(resource)", default: 0] += 1
            return s.failures.first { $0.method == req.method && path.hasSuffix($0.pathSuffix) }?.status
        }
        if let code = injected { return status(code, code == 409 ? "Conflict" : code == 422 ? "Invalid" : "InternalError", "injected failure") }
        if gv != "v1" && !gv.hasPrefix("apps/") && !gv.hasPrefix("coordination") && !gv.hasPrefix("apiextensions")
            && !gv.hasPrefix("flagger.app/")
            && !served(gv: gv, resource: resource)
        {
            return status(404, "NotFound", "the server could not find the requested resource")
        }
        let base = "/" + segments[0..<prefixCount].joined(separator: "/")
        let collection = base + (namespace.map { "/namespaces/\($0)" } ?? "") + "/" + resource
        switch (req.method, name) {
        case ("GET", nil): return list(base: base, resource: resource, namespace: namespace, selector: req.query("labelSelector"))
        case ("GET", let n?): return get(collection + "/" + n)
        case ("POST", nil): return create(collection, body: req.body, dryRun: req.query("dryRun") != nil)
        case ("PUT", let n?): return update(collection + "/" + n, body: req.body)
        case ("PATCH", let n?):
            guard req.header("content-type") == "application/apply-patch+yaml" else { return status(415, "UnsupportedMediaType", "apply only") }
            guard req.query("fieldManager")?.isEmpty == false else { return status(400, "BadRequest", "fieldManager is required") }
            if let body = try? JSONParser.parse(req.body) {
                state.withLock { $0.applyLog.append((req.query("fieldManager") ?? "", collection + "/" + n, body)) }
            }
            return apply(collection + "/" + n, namespace: namespace, name: n, body: req.body, dryRun: req.query("dryRun") != nil)
        case ("DELETE", let n?): return delete(collection + "/" + n, dryRun: req.query("dryRun") != nil)
        default: return status(405, "MethodNotAllowed", req.method)
        }
    }

    private func served(gv: String, resource: String) -> Bool {
        state.withLock { s in
            s.objects.values.contains { crd in
                guard crd["kind"]?.stringValue == "CustomResourceDefinition", let g = crd["spec", "group"]?.stringValue,
                    crd["spec", "names", "plural"]?.stringValue == resource,
                    let gets = s.crdCreated[crd["metadata", "name"]?.stringValue ?? ""], gets > crdNotReadyGets
                else { return false }
                return (crd["spec", "versions"]?.arrayValue ?? []).contains { "\(g)/\($0["name"]?.stringValue ?? "")" == gv }
            }
        }
    }

    private func discovery(_ gv: String) -> HTTPServerResponse {
        let resources: [JSONValue] = state.withLock { s in
            s.objects.values.compactMap { crd -> JSONValue? in
                guard crd["kind"]?.stringValue == "CustomResourceDefinition", let g = crd["spec", "group"]?.stringValue,
                    (crd["spec", "versions"]?.arrayValue ?? []).contains(where: { "\(g)/\($0["name"]?.stringValue ?? "")" == gv }),
                    let gets = s.crdCreated[crd["metadata", "name"]?.stringValue ?? ""], gets > crdNotReadyGets
                else { return nil }
                return ["name": crd["spec", "names", "plural"] ?? "", "kind": crd["spec", "names", "kind"] ?? "",
                        "namespaced": .bool(crd["spec", "scope"]?.stringValue != "Cluster"), "verbs": ["get", "list", "patch"]]
            }
        }
        if resources.isEmpty { return status(404, "NotFound", "no group version \(gv)") }
        return json(["kind": "APIResourceList", "groupVersion": .string(gv), "resources": .array(resources)])
    }

    private func get(_ key: String) -> HTTPServerResponse {
        guard var o = state.withLock({ $0.objects[key] }) else { return status(404, "NotFound", "\(key) not found") }
        if o["kind"]?.stringValue == "CustomResourceDefinition", let n = o["metadata", "name"]?.stringValue,
            let gets = state.withLock({ s -> Int? in
                guard let g = s.crdCreated[n] else { return nil }
                s.crdCreated[n] = g + 1
                return g + 1
            }), gets > crdNotReadyGets
        {
            o.set([["type": "Established", "status": "True"]], at: ["status", "conditions"])
        }
        return json(o)
    }

    private func list(base: String, resource: String, namespace: String?, selector: String?) -> HTTPServerResponse {
        let wanted: [(String, String)] = (selector ?? "").split(separator: ",").compactMap {
            let kv = $0.split(separator: "=", maxSplits: 1).map(String.init)
            return kv.count == 2 ? (kv[0], kv[1]) : nil
        }
        let items: [JSONValue] = state.withLock { s in
            s.objects.filter { key, o in
                let parts = key.split(separator: "/").map(String.init)
                guard key.hasPrefix(base + "/"), parts.count >= 2, parts[parts.count - 2] == resource else { return false }
                if let namespace, o["metadata", "namespace"]?.stringValue != namespace { return false }
                return wanted.allSatisfy { o["metadata", "labels", $0.0]?.stringValue == $0.1 }
            }.sorted { $0.key < $1.key }.map { _, o in
                var item = o
                item["apiVersion"] = nil
                item["kind"] = nil
                return item
            }
        }
        return json(["kind": "List", "apiVersion": "v1", "metadata": ["resourceVersion": "1"], "items": .array(items)])
    }

    private func create(_ collection: String, body: [UInt8], dryRun: Bool) -> HTTPServerResponse {
        guard let o = try? JSONParser.parse(body), let name = o["metadata", "name"]?.stringValue else { return status(400, "BadRequest", "bad body") }
        let key = collection + "/" + name
        let stored: JSONValue? = state.withLock { s in
            guard s.objects[key] == nil else { return nil }
            var obj = o
            s.rv += 1
            obj.set(.string(String(s.rv)), at: ["metadata", "resourceVersion"])
            obj.set(.string(UUID().uuidString), at: ["metadata", "uid"])
            if !dryRun { s.objects[key] = obj }
            return obj
        }
        guard let stored else { return status(409, "AlreadyExists", "\(name) already exists") }
        return json(stored, status: 201)
    }

    private func update(_ key: String, body: [UInt8]) -> HTTPServerResponse {
        guard let o = try? JSONParser.parse(body) else { return status(400, "BadRequest", "bad body") }
        let result: (ok: JSONValue?, error: HTTPServerResponse?) = state.withLock { s in
            guard let current = s.objects[key] else { return (nil, self.status(404, "NotFound", "\(key) not found")) }
            let want = o["metadata", "resourceVersion"]?.stringValue ?? ""
            if !want.isEmpty, want != current["metadata", "resourceVersion"]?.stringValue {
                return (nil, self.status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again"))
            }
            var obj = o
            s.rv += 1
            obj.set(.string(String(s.rv)), at: ["metadata", "resourceVersion"])
            obj.set(current["metadata", "uid"], at: ["metadata", "uid"])
            s.objects[key] = obj
            return (obj, nil)
        }
        if let obj = result.ok { return json(obj) }
        return result.error ?? status(500, "InternalError", "no result")
    }

    private func apply(_ key: String, namespace: String?, name: String, body: [UInt8], dryRun: Bool) -> HTTPServerResponse {
        guard let o = try? JSONParser.parse(body) else { return status(400, "BadRequest", "bad body") }
        let (obj, created): (JSONValue, Bool) = state.withLock { s in
            s.applyBodies[key] = o
            let current = s.objects[key]
            var merged = Self.merge(current ?? [:], o)
            if merged == current { return (merged, false) }
            s.rv += 1
            merged.set(.string(String(s.rv)), at: ["metadata", "resourceVersion"])
            if current == nil {
                merged.set(.string(UUID().uuidString), at: ["metadata", "uid"])
                if o["kind"]?.stringValue == "CustomResourceDefinition" && !dryRun { s.crdCreated[name] = 0 }
            }
            if !dryRun { s.objects[key] = merged }
            return (merged, current == nil)
        }
        return json(obj, status: created ? 201 : 200)
    }

    private func delete(_ key: String, dryRun: Bool) -> HTTPServerResponse {
        let removed: JSONValue? = state.withLock { s in dryRun ? s.objects[key] : s.objects.removeValue(forKey: key) }
        guard let removed else { return status(404, "NotFound", "\(key) not found") }
        return json(removed)
    }

    static func merge(_ base: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(var b) = base, case .object(let p) = patch else { return patch }
        for (k, v) in p {
            if k == "metadata" || (b[k]?.objectValue != nil && v.objectValue != nil) {
                b[k] = merge(b[k] ?? [:], v)
            } else {
                b[k] = v
            }
        }
        return .object(b)
    }

    private func json(_ v: JSONValue, status: Int = 200) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [("Content-Type", "application/json")], body: JSONWriter.bytes(v))
    }

    private func status(_ code: Int, _ reason: String, _ message: String) -> HTTPServerResponse {
        json(["kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": .string(reason), "message": .string(message), "code": .int(Int64(code))], status: code)
    }
}
