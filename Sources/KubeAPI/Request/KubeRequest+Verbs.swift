import Resources

extension KubeRequest {
    /// GET one object (or one of its subresources, e.g. `status`).
    public static func get(
        _ resource: ResourceMapping, namespace: String? = nil, name: String, subresource: String? = nil
    ) -> KubeRequest {
        KubeRequest(verb: .get, resource: resource, namespace: namespace, name: name, subresource: subresource)
    }

    /// LIST a collection; `namespace: nil` lists across all namespaces.
    public static func list(_ resource: ResourceMapping, namespace: String? = nil, options: ListOptions = ListOptions())
        -> KubeRequest
    {
        var q: [(name: String, value: String)] = []
        if let s = options.labelSelector, !s.isEmpty { q.append(("labelSelector", s)) }
        if let s = options.fieldSelector, !s.isEmpty { q.append(("fieldSelector", s)) }
        if let l = options.limit { q.append(("limit", String(l))) }
        if let c = options.continueToken, !c.isEmpty { q.append(("continue", c)) }
        if let rv = options.resourceVersion { q.append(("resourceVersion", rv)) }
        return KubeRequest(verb: .list, resource: resource, namespace: namespace, name: nil, query: q)
    }

    /// CREATE (POST) an object into its collection.
    public static func create(
        _ resource: ResourceMapping, namespace: String? = nil, object: JSONValue, options: WriteOptions = WriteOptions()
    ) -> KubeRequest {
        KubeRequest(
            verb: .create, resource: resource, namespace: namespace, name: nil, query: writeQuery(options),
            headers: [HTTPHeader("Content-Type", "application/json")], body: JSONWriter.bytes(object))
    }

    /// UPDATE (PUT) an object or its `status`. With `resourceVersion` (or one already in the object's metadata) the
    /// write is conditional: the server answers Conflict when the object changed since.
    public static func update(
        _ resource: ResourceMapping, namespace: String? = nil, name: String, object: JSONValue,
        resourceVersion: String? = nil, subresource: String? = nil, options: WriteOptions = WriteOptions()
    ) -> KubeRequest {
        var object = object
        if let rv = resourceVersion { object.set(.string(rv), at: ["metadata", "resourceVersion"]) }
        let conditional = object["metadata", "resourceVersion"]?.stringValue.map { !$0.isEmpty } ?? false
        return KubeRequest(
            verb: .update, resource: resource, namespace: namespace, name: name, subresource: subresource,
            query: writeQuery(options), headers: [HTTPHeader("Content-Type", "application/json")],
            body: JSONWriter.bytes(object), isConditional: conditional)
    }

    /// PATCH an object or its `status` (merge, JSON patch, strategic merge, or server-side apply).
    public static func patch(
        _ resource: ResourceMapping, namespace: String? = nil, name: String, patch: Patch, subresource: String? = nil,
        options: WriteOptions = WriteOptions()
    ) -> KubeRequest {
        var options = options
        var force: Bool?
        let body: [UInt8]
        var conditional = false
        switch patch {
        case .merge(let v), .strategicMerge(let v):
            body = JSONWriter.bytes(v)
            conditional = v["metadata", "resourceVersion"] != nil
        case .json(let ops):
            body = JSONWriter.bytes(.array(ops))
            conditional = ops.contains { $0["op"]?.stringValue == "test" }
        case .apply(let v, let manager, let f):
            // The apply content type is YAML, and JSON is YAML.
            body = JSONWriter.bytes(v)
            options.fieldManager = manager
            force = f
        }
        var q = writeQuery(options)
        if let force { q.append(("force", force ? "true" : "false")) }
        return KubeRequest(
            verb: .patch, resource: resource, namespace: namespace, name: name, subresource: subresource, query: q,
            headers: [HTTPHeader("Content-Type", patch.contentType)], body: body, isConditional: conditional)
    }

    /// DELETE an object, with a `DeleteOptions` body (propagation policy, preconditions, dry run).
    public static func delete(
        _ resource: ResourceMapping, namespace: String? = nil, name: String, options: DeleteOptions = DeleteOptions()
    ) -> KubeRequest {
        KubeRequest(
            verb: .delete, resource: resource, namespace: namespace, name: name,
            query: options.dryRun ? [("dryRun", "All")] : [],
            headers: [HTTPHeader("Content-Type", "application/json")], body: JSONWriter.bytes(options.body),
            isConditional: options.preconditionUID != nil || options.preconditionResourceVersion != nil)
    }

    private static func writeQuery(_ o: WriteOptions) -> [(name: String, value: String)] {
        var q: [(name: String, value: String)] = []
        if o.dryRun { q.append(("dryRun", "All")) }
        if let m = o.fieldManager { q.append(("fieldManager", m)) }
        if let v = o.fieldValidation { q.append(("fieldValidation", v)) }
        return q
    }
}
