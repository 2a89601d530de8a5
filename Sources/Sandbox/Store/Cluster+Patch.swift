import Resources

extension Cluster {
    /// PATCH: merge, JSON, strategic merge (built-in kinds only) and apply (server-side apply) patches.
    /// Returns the HTTP code (201 when an apply created the object) and the object.
    mutating func patch(_ t: ResourceType, namespace: String?, name: String, call: APICall) throws(APIError) -> (Int, JSONValue) {
        let body = try call.bodyJSON()
        let key = key(t, namespace, name)
        let options = call.writeOptions
        if call.contentType.hasPrefix("application/apply-patch") {
            return try apply(t, key: key, namespace: namespace, name: name, config: body, call: call)
        }
        guard let old = objects[key] else { throw .notFound(t, name) }
        let oldView = view(old, as: t)
        var patched: JSONValue
        if call.contentType.hasPrefix("application/merge-patch+json") {
            patched = Patches.merge(oldView, body)
        } else if call.contentType.hasPrefix("application/json-patch+json") {
            do {
                patched = try Patches.jsonPatch(oldView, body)
            } catch {
                throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(error.message)")
            }
        } else if call.contentType.hasPrefix("application/strategic-merge-patch+json") {
            if t.isCustom {
                throw .unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
            }
            do {
                patched = try Patches.strategic(oldView, body)
            } catch {
                throw .badRequest(error.message)
            }
        } else {
            throw .unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")
        }
        if let rv = patched["metadata", "resourceVersion"]?.stringValue, !rv.isEmpty,
            rv != old["metadata", "resourceVersion"]?.stringValue
        {
            throw .staleResourceVersion(t, name)
        }
        if let n = patched["metadata", "name"]?.stringValue, n != name {
            throw .badRequest("the name of the object (\(n)) does not match the name on the URL (\(name))")
        }
        try checkTypeMeta(t, patched)
        let new = merged(t, old: old, new: patched, subresource: options.subresource)
        return (200, try commit(t, key: key, old: old, new: new, options: options))
    }

    private mutating func apply(
        _ t: ResourceType, key: StoreKey, namespace: String?, name: String, config: JSONValue, call: APICall
    ) throws(APIError) -> (Int, JSONValue) {
        guard let manager = call.query["fieldManager"], !manager.isEmpty else {
            throw .badRequest("PATCH, application/apply-patch+yaml requests require fieldManager to be set")
        }
        guard config.objectValue != nil else { throw .badRequest("the apply configuration must be an object") }
        try checkTypeMeta(t, config)
        if config["kind"] == nil || config["apiVersion"] == nil {
            throw .badRequest("apply configurations must set apiVersion and kind")
        }
        if let n = config["metadata", "name"]?.stringValue, n != name {
            throw .badRequest("the name of the object (\(n)) does not match the name on the URL (\(name))")
        }
        var options = call.writeOptions
        options.manager = manager
        let now = nowString
        let current = objects[key].map { view($0, as: t) }
        if let rv = config["metadata", "resourceVersion"]?.stringValue, !rv.isEmpty,
            rv != current?["metadata", "resourceVersion"]?.stringValue
        {
            throw current == nil ? .notFound(t, name) : .staleResourceVersion(t, name)
        }
        let result = ManagedFields.apply(
            config: config, current: current, manager: manager, force: call.force, apiVersion: t.groupVersion,
            time: now, type: t, subresource: options.subresource)
        if !result.conflicts.isEmpty {
            let lines = result.conflicts.map { "conflict with \"\($0.manager)\" using \($0.apiVersion): \(FieldSets.describe($0.path))" }
            let summary = result.conflicts.count == 1
                ? "Apply failed with 1 conflict: \(lines[0])"
                : "Apply failed with \(result.conflicts.count) conflicts: " + lines.joined(separator: "\n")
            var error = APIError.conflict(t, name, "")
            error.message = summary
            error.causes = result.conflicts.map {
                .init(reason: "FieldManagerConflict", message: "conflict with \"\($0.manager)\" using \($0.apiVersion)",
                      field: FieldSets.describe($0.path))
            }
            throw error
        }
        guard let old = objects[key] else {
            if options.subresource != nil { throw .notFound(t, name) }
            var obj = result.object
            obj.set(.string(name), at: ["metadata", "name"])
            return (201, try create(t, namespace: namespace, object: obj, options: options, managedFields: result.entries))
        }
        let new = merged(t, old: old, new: result.object, subresource: options.subresource)
        return (200, try commit(t, key: key, old: old, new: new, options: options, managedFields: result.entries))
    }
}
