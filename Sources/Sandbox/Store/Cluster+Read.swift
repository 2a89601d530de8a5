import Foundation
import Resources

/// The parameters of a list or watch request.
struct ListOptions {
    var labelSelector: LabelSelector?
    var fieldSelector: FieldSelector?
    var limit: Int?
    var continueToken: String?
    var resourceVersion: String?
}

extension Cluster {
    /// GET of one object.
    func get(_ t: ResourceType, namespace: String?, name: String) throws(APIError) -> JSONValue {
        guard let obj = objects[key(t, namespace, name)] else { throw .notFound(t, name) }
        return view(obj, as: t)
    }

    /// The objects a list or watch selects, in key order.
    func select(_ t: ResourceType, namespace: String?, options: ListOptions) -> [(StoreKey, JSONValue)] {
        stored(group: t.group, resource: t.resource, namespace: t.namespaced ? namespace : nil).filter { _, obj in
            (options.labelSelector?.matches(LabelSelector.labels(of: obj)) ?? true)
                && (options.fieldSelector?.matches(obj) ?? true)
        }
    }

    /// LIST with selectors and `limit`/`continue` paging (the token names the last key returned).
    func list(_ t: ResourceType, namespace: String?, options: ListOptions) throws(APIError) -> JSONValue {
        let (items, meta) = try listPage(t, namespace: namespace, options: options)
        return .object(listHead(t, meta: meta, items: .array(items.map { view($0.1, as: t) })))
    }

    /// The JSON bytes of ``list(_:namespace:options:)``, the same text, built from each object's bytes as
    /// ``ObjectStore`` keeps them between changes.
    mutating func listBytes(_ t: ResourceType, namespace: String?, options: ListOptions) throws(APIError) -> [UInt8] {
        let (items, meta) = try listPage(t, namespace: namespace, options: options)
        // The list with no items ends in `[]}`: the items' bytes go between the brackets.
        var head = JSONWriter.bytes(.object(listHead(t, meta: meta, items: .array([]))))
        head.removeLast(2)
        let encoded = items.map { key, object in
            objects.encodedBytes(key, groupVersion: t.groupVersion) {
                var o = object   // as `view(_:as:)`
                o["apiVersion"] = .string(t.groupVersion)
                o["kind"] = .string(t.kind)
                return o
            }
        }
        // One allocation for the whole body (a LIST of a thousand objects is megabytes).
        var out: [UInt8] = []
        out.reserveCapacity(head.count + encoded.reduce(0) { $0 + $1.count + 1 } + 2)
        out += head
        for (i, bytes) in encoded.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += bytes
        }
        out += Array("]}".utf8)
        return out
    }

    private func listHead(_ t: ResourceType, meta: JSONObject, items: JSONValue) -> JSONObject {
        var list = JSONObject()
        list["apiVersion"] = .string(t.groupVersion)
        list["kind"] = .string("\(t.kind)List")
        list["metadata"] = .object(meta)
        list["items"] = items
        return list
    }

    /// The objects of one LIST page and the list's metadata.
    private func listPage(
        _ t: ResourceType, namespace: String?, options: ListOptions
    ) throws(APIError) -> ([(StoreKey, JSONValue)], JSONObject) {
        var items = select(t, namespace: namespace, options: options)
        if let token = options.continueToken, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let last = String(data: data, encoding: .utf8) else {
                throw APIError(code: 410, reason: "Expired", message: "the provided continue parameter is invalid")
            }
            let parts = last.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let after = (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            items = items.filter { ($0.0.namespace, $0.0.name) > after }
        }
        var meta = JSONObject()
        meta["resourceVersion"] = .string(String(resourceVersion))
        if let limit = options.limit, limit > 0, items.count > limit {
            let remaining = items.count - limit
            items = Array(items.prefix(limit))
            if let lastKey = items.last?.0 {
                meta["continue"] = .string(Data("\(lastKey.namespace)/\(lastKey.name)".utf8).base64EncodedString())
                meta["remainingItemCount"] = .int(Int64(remaining))
            }
        }
        return (items, meta)
    }

    /// Watch events after `since` for the selected objects; with no resourceVersion, an ADDED event per object.
    func watchEvents(_ t: ResourceType, namespace: String?, options: ListOptions) -> [JSONValue] {
        let since = Int64(options.resourceVersion ?? "") ?? 0
        if since == 0 {
            return select(t, namespace: namespace, options: options).map {
                ["type": "ADDED", "object": view($0.1, as: t)]
            }
        }
        if since < watchLogFloor {
            let expired = APIError(code: 410, reason: "Expired", message: "too old resource version: \(since) (\(watchLogFloor))")
            return [["type": "ERROR", "object": expired.status]]
        }
        return watchLog.filter { e in
            e.resourceVersion > since && e.key.group == t.group && e.key.resource == t.resource
                && (!t.namespaced || namespace == nil || e.key.namespace == namespace)
                && (options.labelSelector?.matches(LabelSelector.labels(of: e.object)) ?? true)
                && (options.fieldSelector?.matches(e.object) ?? true)
        }.map { ["type": .string($0.type), "object": view($0.object, as: t)] }
    }
}
