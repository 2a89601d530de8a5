import Resources

/// One Kubernetes API call as a pure value: verb, resource, namespace, name and options become a method, a path,
/// a query, headers and a body, with no network involved (so it is unit-tested as such).
///
/// ```swift
/// let r = KubeRequest.patch(deployments, namespace: "prod", name: "podinfo",
///                           patch: .apply(manifest, fieldManager: "gitcanary", force: true))
/// // PATCH /apis/apps/v1/namespaces/prod/deployments/podinfo?fieldManager=gitcanary&force=true
/// ```
public struct KubeRequest: Sendable, Hashable {
    /// The API verb, as RBAC names it.
    public enum Verb: String, Sendable, Hashable, CaseIterable {
        case get, list, create, update, patch, delete
    }

    /// The verb.
    public var verb: Verb
    /// The resource addressed.
    public var resource: ResourceMapping
    /// The namespace; `nil` for cluster-scoped kinds or a LIST across all namespaces.
    public var namespace: String?
    /// The object name; `nil` for collection calls (LIST, CREATE).
    public var name: String?
    /// A subresource such as `status` or `scale`.
    public var subresource: String?
    /// Query parameters in order.
    public var query: [(name: String, value: String)]
    /// Extra header fields (Accept and Content-Type are set here; auth is added by the client).
    public var headers: [HTTPHeader]
    /// The body bytes.
    public var body: [UInt8]?
    /// Whether the write is conditional on a `resourceVersion` (never retried after Conflict).
    public var isConditional: Bool

    /// The HTTP method.
    public var method: String {
        switch verb {
        case .get, .list: return "GET"
        case .create: return "POST"
        case .update: return "PUT"
        case .patch: return "PATCH"
        case .delete: return "DELETE"
        }
    }

    /// The path, e.g. `/apis/apps/v1/namespaces/prod/deployments/podinfo/status`.
    public var path: String {
        var p = resource.gvr.groupVersionPath
        if resource.namespaced, let ns = namespace, !ns.isEmpty { p += "/namespaces/" + Self.escapeSegment(ns) }
        p += "/" + resource.gvr.resource
        if let name { p += "/" + Self.escapeSegment(name) }
        if let subresource { p += "/" + subresource }
        return p
    }

    /// The path and the encoded query string.
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { Self.escapeQuery($0.name) + "=" + Self.escapeQuery($0.value) }.joined(separator: "&")
    }

    /// Whether repeating the call is harmless (reads and server-side apply).
    public var isIdempotent: Bool {
        switch verb {
        case .get, .list: return true
        case .patch: return headers.contains { $0.value == "application/apply-patch+yaml" }
        default: return false
        }
    }

    /// `list deployments.apps in namespace prod`-style text for messages and accounting.
    public var summary: String {
        var s = "\(verb.rawValue) \(resource.gvr.qualifiedResource)"
        if let subresource { s += "/\(subresource)" }
        if let name { s += " \(name)" }
        if resource.namespaced {
            s += namespace.map { " in namespace \($0)" } ?? " in all namespaces"
        }
        return s
    }

    public static func == (a: KubeRequest, b: KubeRequest) -> Bool {
        a.verb == b.verb && a.resource == b.resource && a.namespace == b.namespace && a.name == b.name
            && a.subresource == b.subresource && a.query.elementsEqual(b.query, by: { $0 == $1 })
            && a.headers == b.headers && a.body == b.body && a.isConditional == b.isConditional
    }

    public func hash(into h: inout Hasher) {
        h.combine(verb)
        h.combine(resource)
        h.combine(namespace)
        h.combine(name)
        h.combine(subresource)
        h.combine(body)
    }

    init(
        verb: Verb, resource: ResourceMapping, namespace: String?, name: String?, subresource: String? = nil,
        query: [(name: String, value: String)] = [], headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        isConditional: Bool = false
    ) {
        self.verb = verb
        self.resource = resource
        self.namespace = resource.namespaced ? namespace : nil
        self.name = name
        self.subresource = subresource
        self.query = query
        self.headers = [HTTPHeader("Accept", "application/json")] + headers
        self.body = body
        self.isConditional = isConditional
    }

    /// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
    static func escapeSegment(_ s: String) -> String { escape(s, keep: "-._~") }

    /// Percent-encodes a query name or value (selectors keep nothing special: `=`, `,` and `!` are encoded).
    static func escapeQuery(_ s: String) -> String { escape(s, keep: "-._~") }

    private static func escape(_ s: String, keep: String) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if (byte < 0x80 && (c.isLetter || c.isNumber)) || keep.utf8.contains(byte) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
