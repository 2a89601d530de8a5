import Resources

extension Cluster {
    /// Resolves the served type of a resource path, or the Kubernetes 404 for unknown paths.
    func resolve(_ path: ResourcePath) throws(APIError) -> ResourceType {
        guard let t = registry.lookup(group: path.group, version: path.version, resource: path.resource) else {
            throw .notFoundPath(path.resource)
        }
        if !t.namespaced && path.namespace != nil { throw .notFoundPath(path.resource) }
        if t.namespaced && path.namespace == nil && path.name != nil { throw .notFoundPath(path.resource) }
        switch path.subresource {
        case nil: break
        case "status" where t.hasStatus: break
        case "scale" where t.hasScale: break
        default: throw .notFoundPath(path.resource)
        }
        return t
    }

    /// Serves one API request (everything but watch) and returns the HTTP code and body.
    mutating func handle(_ call: APICall) throws(APIError) -> (Int, JSONValue) {
        let path = call.path
        let t = try resolve(path)
        let ns = path.namespace
        if path.subresource == "scale", let name = path.name {
            return try scale(t, namespace: ns, name: name, call: call)
        }
        switch call.verb {
        case "get":
            let obj = try get(t, namespace: ns, name: path.name ?? "")
            if TableView.wanted(call.accept) && path.subresource == nil {
                return (200, table(t, [obj], listMeta: nil, call: call))
            }
            return (200, obj)
        case "list":
            let list = try list(t, namespace: ns, options: try call.listOptions())
            if TableView.wanted(call.accept) {
                return (200, table(t, list["items"]?.arrayValue ?? [], listMeta: list["metadata"], call: call))
            }
            return (200, list)
        case "create":
            guard path.name == nil else { throw .methodNotAllowed("POST is not allowed on a named object") }
            return (201, try create(t, namespace: ns, object: try call.bodyJSON(), options: call.writeOptions))
        case "update":
            guard let name = path.name else { throw .methodNotAllowed("PUT needs an object name") }
            return (200, try update(t, namespace: ns, name: name, object: try call.bodyJSON(), options: call.writeOptions))
        case "patch":
            guard let name = path.name else { throw .methodNotAllowed("PATCH needs an object name") }
            return try patch(t, namespace: ns, name: name, call: call)
        case "delete":
            guard let name = path.name else { throw .methodNotAllowed("DELETE needs an object name") }
            let options = call.body.isEmpty ? nil : try? call.bodyJSON()
            let policyText = options?["propagationPolicy"]?.stringValue ?? call.query["propagationPolicy"]
            var policy: PropagationPolicy? = nil
            if let policyText {
                guard let p = PropagationPolicy(rawValue: policyText) else {
                    throw .badRequest("unsupported propagationPolicy \"\(policyText)\"")
                }
                policy = p
            } else if options?["orphanDependents"]?.boolValue == true {
                policy = .orphan
            }
            let dryRun = call.dryRun || (options?["dryRun"]?.arrayValue?.contains("All") ?? false)
            if let remaining = try delete(
                t, namespace: ns, name: name, policy: policy,
                preconditionUID: options?["preconditions", "uid"]?.stringValue,
                preconditionRV: options?["preconditions", "resourceVersion"]?.stringValue, dryRun: dryRun)
            {
                return (200, remaining)
            }
            return (200, Self.success(t, name: name))
        case "deletecollection":
            let selected = select(t, namespace: ns, options: try call.listOptions())
            for (k, _) in selected {
                _ = try? delete(t, namespace: ns, name: k.name, policy: nil, preconditionUID: nil, preconditionRV: nil,
                                dryRun: call.dryRun)
            }
            return (200, ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success"])
        default:
            throw .methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    func table(_ t: ResourceType, _ objects: [JSONValue], listMeta: JSONValue?, call: APICall) -> JSONValue {
        let crd = t.crdName.flatMap { crdObject(named: $0) }
        return TableView.table(t, objects: objects, listMeta: listMeta, crd: crd, now: now,
                               full: call.query["includeObject"] == "Object")
    }

    private func crdObject(named name: String) -> JSONValue? {
        objects[StoreKey(group: "apiextensions.k8s.io", resource: "customresourcedefinitions", namespace: "", name: name)]
    }

    static func success(_ t: ResourceType, name: String) -> JSONValue {
        [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
            "details": ["name": .string(name), "group": .string(t.group), "kind": .string(t.resource)],
        ]
    }

    /// The `/scale` subresource: reads and writes `spec.replicas`.
    private mutating func scale(_ t: ResourceType, namespace: String?, name: String, call: APICall) throws(APIError) -> (Int, JSONValue) {
        let key = key(t, namespace, name)
        guard let obj = objects[key] else { throw .notFound(t, name) }
        func scaleView(_ o: JSONValue) -> JSONValue {
            var meta = JSONObject()
            for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
                if let v = o["metadata", f] { meta[f] = v }
            }
            let selector = (o["spec", "selector", "matchLabels"]?.objectValue ?? JSONObject())
                .map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
            return [
                "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(meta),
                "spec": ["replicas": o["spec", "replicas"] ?? 1],
                "status": ["replicas": o["status", "replicas"] ?? 0, "selector": .string(selector)],
            ]
        }
        switch call.verb {
        case "get":
            return (200, scaleView(obj))
        case "update", "patch":
            let body = try call.bodyJSON()
            var target = scaleView(obj)
            if call.verb == "update" {
                target = body
            } else if call.contentType.hasPrefix("application/json-patch+json") {
                guard let p = try? Patches.jsonPatch(target, body) else { throw .badRequest("invalid JSON patch") }
                target = p
            } else {
                target = Patches.merge(target, body)
            }
            guard let replicas = target["spec", "replicas"]?.intValue else {
                throw .invalid(t, name, [.init(reason: "FieldValueRequired", message: "Required value", field: "spec.replicas")])
            }
            if let rv = target["metadata", "resourceVersion"]?.stringValue, !rv.isEmpty,
                rv != obj["metadata", "resourceVersion"]?.stringValue
            {
                throw .staleResourceVersion(t, name)
            }
            var new = obj
            new.set(.int(replicas), at: ["spec", "replicas"])
            let stored = try commit(t, key: key, old: obj, new: new, options: call.writeOptions)
            return (200, scaleView(stored))
        default:
            throw .methodNotAllowed("the scale subresource supports get, update and patch")
        }
    }
}
