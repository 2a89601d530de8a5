import Foundation
import Resources

extension Cluster {
    /// POST: creates an object (201 semantics; the caller sets the code).
    mutating func create(
        _ t: ResourceType, namespace: String?, object: JSONValue, options: WriteOptions, managedFields: [JSONValue]? = nil
    ) throws(APIError) -> JSONValue
    {
        guard var obj = object.objectValue.map(JSONValue.object) else {
            throw .badRequest("the request body must be a JSON object")
        }
        try checkTypeMeta(t, obj)
        if t.namespaced {
            let bodyNS = obj["metadata", "namespace"]?.stringValue ?? ""
            guard let namespace else { throw .methodNotAllowed("the resource \(t.resource) is namespaced") }
            if !bodyNS.isEmpty && bodyNS != namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard namespaceExists(namespace) else { throw .namespaceNotFound(namespace) }
            obj.set(.string(namespace), at: ["metadata", "namespace"])
        } else {
            obj.set(nil, at: ["metadata", "namespace"])
        }
        var name = obj["metadata", "name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = obj["metadata", "generateName"]?.stringValue, !prefix.isEmpty {
            name = prefix + Self.randomSuffix()
            obj.set(.string(name), at: ["metadata", "name"])
        }
        if name.isEmpty {
            throw .invalid(
                t, "",
                [.init(reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                       field: "metadata.name")])
        }
        try Self.validateName(t, name)
        let key = key(t, namespace, name)
        if objects[key] != nil { throw .alreadyExists(t, name) }
        for field in ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation", "selfLink"] {
            obj.set(nil, at: ["metadata", field])
        }
        if t.hasStatus && !t.isCustom && t.resource != "namespaces" { obj["status"] = nil }
        if t.hasStatus && t.isCustom { obj["status"] = nil }
        return try commit(t, key: key, old: nil, new: obj, options: options, managedFields: managedFields)
    }

    /// PUT: replaces an object (or only its status through `/status`).
    mutating func update(
        _ t: ResourceType, namespace: String?, name: String, object: JSONValue, options: WriteOptions
    ) throws(APIError) -> JSONValue {
        guard var obj = object.objectValue.map(JSONValue.object) else {
            throw .badRequest("the request body must be a JSON object")
        }
        try checkTypeMeta(t, obj)
        let key = key(t, namespace, name)
        guard let old = objects[key] else { throw .notFound(t, name) }
        let bodyName = obj["metadata", "name"]?.stringValue ?? ""
        if !bodyName.isEmpty && bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let bodyNS = obj["metadata", "namespace"]?.stringValue ?? ""
        if t.namespaced && !bodyNS.isEmpty && bodyNS != namespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let sentRV = obj["metadata", "resourceVersion"]?.stringValue ?? ""
        if !sentRV.isEmpty, sentRV != old["metadata", "resourceVersion"]?.stringValue {
            throw .staleResourceVersion(t, name)
        }
        if sentRV.isEmpty && t.isCustom {
            throw .invalid(
                t, name,
                [.init(reason: "FieldValueInvalid",
                       message: "Invalid value: 0x0: must be specified for an update", field: "metadata.resourceVersion")])
        }
        obj = merged(t, old: old, new: obj, subresource: options.subresource)
        return try commit(t, key: key, old: old, new: obj, options: options)
    }

    /// Applies the status subresource rules: `/status` takes only status; the main endpoint keeps the old status.
    func merged(_ t: ResourceType, old: JSONValue, new: JSONValue, subresource: String?) -> JSONValue {
        var obj = new
        if subresource == "status" {
            var result = old
            result["status"] = new["status"]
            obj = result
        } else if t.hasStatus {
            obj["status"] = old["status"]
        }
        return obj
    }

    /// The common write path: validation, defaults, metadata, managed fields, controllers, storage.
    mutating func commit(
        _ t: ResourceType, key: StoreKey, old: JSONValue?, new: JSONValue, options: WriteOptions,
        managedFields: [JSONValue]? = nil
    ) throws(APIError) -> JSONValue {
        var obj = new
        obj["apiVersion"] = .string(t.groupVersion)
        obj["kind"] = .string(t.kind)
        obj.set(.string(key.name), at: ["metadata", "name"])
        if t.namespaced { obj.set(.string(key.namespace), at: ["metadata", "namespace"]) }
        if let schema = t.schema {
            let result = StructuralSchema.validateAndPrune(obj, schema: schema)
            if !result.causes.isEmpty { throw .invalid(t, key.name, result.causes) }
            if options.fieldValidation == "Strict", !result.pruned.isEmpty {
                let fields = result.pruned.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                throw .badRequest("\(t.kind) in version \"\(t.version)\" cannot be handled as a \(t.kind): strict decoding error: \(fields)")
            }
            obj = result.value
        } else {
            if t.group.isEmpty && t.resource == "services", let old, obj["spec", "clusterIP"] == nil {
                // kube-apiserver keeps the allocated cluster IP when an update omits it.
                obj.set(old["spec", "clusterIP"], at: ["spec", "clusterIP"])
                obj.set(old["spec", "clusterIPs"], at: ["spec", "clusterIPs"])
            }
            BuiltinDefaults.apply(t, &obj, cluster: self)
            var causes = BuiltinValidation.causes(t, obj)
            if let old, options.subresource == nil { causes += BuiltinValidation.immutableCauses(t, old: old, new: obj) }
            if !causes.isEmpty { throw .invalid(t, key.name, causes) }
        }
        let now = nowString
        if let old {
            for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"] {
                obj.set(old["metadata", field], at: ["metadata", field])
            }
            if t.tracksGeneration {
                let generation = old["metadata", "generation"]?.intValue ?? 1
                let changed = Self.specPart(old, t) != Self.specPart(obj, t)
                obj.set(.int(generation + (changed ? 1 : 0)), at: ["metadata", "generation"])
            } else {
                obj.set(nil, at: ["metadata", "generation"])
            }
        } else {
            obj.set(.string(newUID()), at: ["metadata", "uid"])
            obj.set(.string(now), at: ["metadata", "creationTimestamp"])
            if t.tracksGeneration { obj.set(1, at: ["metadata", "generation"]) }
        }
        if let managedFields {
            obj.set(managedFields.isEmpty ? nil : .array(managedFields), at: ["metadata", "managedFields"])
        } else {
            let entries = ManagedFields.recordUpdate(
                old: old, new: obj, manager: options.manager, apiVersion: t.groupVersion, time: now,
                subresource: options.subresource, type: t)
            obj.set(entries.isEmpty ? nil : .array(entries), at: ["metadata", "managedFields"])
        }
        if options.subresource != "status" { runControllers(t, key: key, old: old, object: &obj) }
        if options.dryRun {
            obj.set(.string(String(resourceVersion + 1)), at: ["metadata", "resourceVersion"])
            return view(obj, as: t)
        }
        obj.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
        objects[key] = obj
        record(old == nil ? "ADDED" : "MODIFIED", key, obj)
        scheduleStatus(of: key, obj, bypassedControllers: options.subresource == "status")
        afterWrite(key: key, object: obj)
        return view(objects[key] ?? obj, as: t)
    }

    /// Everything but metadata (and status when it is a subresource): what bumps `generation`.
    static func specPart(_ obj: JSONValue, _ t: ResourceType) -> JSONValue {
        var o = obj
        o["metadata"] = nil
        o["apiVersion"] = nil
        o["kind"] = nil
        if t.hasStatus || !t.isCustom { o["status"] = nil }
        return o
    }

    /// Rejects a body whose kind or apiVersion names another type.
    func checkTypeMeta(_ t: ResourceType, _ obj: JSONValue) throws(APIError) {
        if let kind = obj["kind"]?.stringValue, !kind.isEmpty, kind != t.kind {
            throw .badRequest("the API version in the data (\(obj["apiVersion"]?.stringValue ?? "")) and kind (\(kind)) do not match the request (\(t.groupVersion), \(t.kind))")
        }
        if let apiVersion = obj["apiVersion"]?.stringValue, !apiVersion.isEmpty {
            let (group, _) = ResourceRegistry.split(apiVersion)
            if group != t.group {
                throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(t.groupVersion))")
            }
        }
    }

    static func validateName(_ t: ResourceType, _ name: String) throws(APIError) {
        let allowed = name.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46
        }
        let edges = name.first.map { $0.isLetter || $0.isNumber } == true && name.last.map { $0.isLetter || $0.isNumber } == true
        if !allowed || !edges || name.count > 253 {
            throw .invalid(
                t, name,
                [.init(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                    field: "metadata.name")])
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// Hooks after a stored write: CRD registry changes, finalization, garbage collection.
    mutating func afterWrite(key: StoreKey, object: JSONValue) {
        if key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions" {
            rebuildRegistry()
        }
        if key.group == RBACAuthorizer.group && key.resource == "clusterroles" { aggregateClusterRoles() }
        if key.group.isEmpty && key.resource == "nodes" { refreshDaemonSets() }
        // Only deletions in progress and owned objects (possibly with owners already gone) concern the collector,
        // and owners the write released (a dropped owner reference); removals run it themselves.
        if object["metadata", "deletionTimestamp"] != nil || object["metadata", "ownerReferences"] != nil {
            garbageQueue.append(key)
        }
        collectGarbage()
    }

    /// A Node was added, changed or removed: every DaemonSet's scheduled counts follow at once, as the DaemonSet
    /// controller's next sync would make them (a status change: a new resourceVersion and a MODIFIED event).
    mutating func refreshDaemonSets() {
        let nodes = WorkloadController.nodeLabels(objects, count: nodeCount)
        for (k, v) in stored(group: "apps", resource: "daemonsets") {
            let status = WorkloadController.daemonSetStatus(v, nodes: nodes)
            guard status != v["status"] else { continue }
            var o = v
            o["status"] = status
            o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
            objects[k] = o
            record("MODIFIED", k, o)
        }
    }

    mutating func rebuildRegistry() {
        registry.rebuild(crds: stored(group: "apiextensions.k8s.io", resource: "customresourcedefinitions").map(\.1))
    }
}
