import Resources

extension KubeClient {
    /// The mapping of a kind, from the built-in table or discovery.
    public func mapping(apiVersion: String, kind: String) async throws(KubeAPIError) -> ResourceMapping {
        try await mapper.mapping(apiVersion: apiVersion, kind: kind)
    }

    /// GET an object (or a subresource such as `status`).
    public func get(_ resource: ResourceMapping, namespace: String? = nil, name: String, subresource: String? = nil)
        async throws(KubeAPIError) -> JSONValue
    {
        try await object(.get(resource, namespace: namespace, name: name, subresource: subresource))
    }

    /// One page of a LIST. `droppingManagedFields` leaves every item's `metadata.managedFields` out of the parsed
    /// value (``JSONParser/Options/droppingManagedFields``: a third of the bytes, not built) for readers that never
    /// look at field ownership.
    public func list(
        _ resource: ResourceMapping, namespace: String? = nil, options: ListOptions = ListOptions(), droppingManagedFields: Bool = false
    ) async throws(KubeAPIError) -> KubeList {
        let request = KubeRequest.list(resource, namespace: namespace, options: options)
        let v = try await send(request).json(
            request: request.summary, options: JSONParser.Options(droppingManagedFields: droppingManagedFields))
        return KubeList(
            items: v["items"]?.arrayValue ?? [], resourceVersion: v["metadata", "resourceVersion"]?.stringValue ?? "",
            continueToken: v["metadata", "continue"]?.stringValue ?? "")
    }

    /// Every object of a LIST, following `continue` tokens page by page (`pageSize` objects per request).
    public func listAll(
        _ resource: ResourceMapping, namespace: String? = nil, options: ListOptions = ListOptions(), pageSize: Int = 500,
        droppingManagedFields: Bool = false
    ) async throws(KubeAPIError) -> [JSONValue] {
        var options = options
        options.limit = pageSize
        var out: [JSONValue] = []
        while true {
            let page = try await list(resource, namespace: namespace, options: options, droppingManagedFields: droppingManagedFields)
            out += page.items
            guard !page.continueToken.isEmpty else { return out }
            options.continueToken = page.continueToken
        }
    }

    /// CREATE an object; returns the stored object.
    public func create(_ resource: ResourceMapping, namespace: String? = nil, object: JSONValue, options: WriteOptions = WriteOptions())
        async throws(KubeAPIError) -> JSONValue
    {
        try await self.object(.create(resource, namespace: namespace, object: object, options: options))
    }

    /// UPDATE an object or its status, conditional on the object's `metadata.resourceVersion`.
    public func update(
        _ resource: ResourceMapping, namespace: String? = nil, name: String, object: JSONValue, subresource: String? = nil,
        options: WriteOptions = WriteOptions()
    ) async throws(KubeAPIError) -> JSONValue {
        try await self.object(
            .update(resource, namespace: namespace, name: name, object: object, subresource: subresource, options: options))
    }

    /// PATCH an object or its status.
    public func patch(
        _ resource: ResourceMapping, namespace: String? = nil, name: String, patch: Patch, subresource: String? = nil,
        options: WriteOptions = WriteOptions()
    ) async throws(KubeAPIError) -> JSONValue {
        try await object(.patch(resource, namespace: namespace, name: name, patch: patch, subresource: subresource, options: options))
    }

    /// DELETE an object; returns the server's answer (the object being deleted, or a `Status`).
    @discardableResult
    public func delete(_ resource: ResourceMapping, namespace: String? = nil, name: String, options: DeleteOptions = DeleteOptions())
        async throws(KubeAPIError) -> JSONValue
    {
        try await object(.delete(resource, namespace: namespace, name: name, options: options))
    }
}
