import Resources

/// Kubernetes API requests counted by verb and resource, as kube-apiserver's verbs go.
public struct RequestCounts: Sendable, Hashable {
    /// All resource requests.
    public var total = 0
    /// create, update, patch, delete and deletecollection requests.
    public var mutating = 0
    /// Requests per verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`).
    public var byVerb: [String: Int] = [:]
    /// Requests per qualified resource (`deployments.apps`, `canaries.flagger.app/status`) and verb.
    public var byResource: [String: [String: Int]] = [:]
    /// Discovery requests (`/version`, `/api`, `/apis`, resource lists, `/openapi`).
    public var discovery = 0
    /// Body bytes of the API and discovery requests received (headers not counted).
    public var bytesReceived = 0
    /// Body bytes of the API and discovery responses sent (headers and watch streams not counted).
    public var bytesSent = 0

    /// An empty count.
    public init() {}

    /// The count of one verb on one qualified resource.
    public func count(_ verb: String, _ resource: String) -> Int { byResource[resource]?[verb] ?? 0 }

    mutating func add(verb: String, path: ResourcePath) {
        total += 1
        if KubeVerb.mutating.contains(verb) { mutating += 1 }
        byVerb[verb, default: 0] += 1
        let qualified = (path.group.isEmpty ? path.resource : "\(path.resource).\(path.group)")
            + (path.subresource.map { "/\($0)" } ?? "")
        byResource[qualified, default: [:]][verb, default: 0] += 1
    }

    mutating func addBytes(received: Int, sent: Int) {
        bytesReceived += received
        bytesSent += sent
    }

    var json: JSONValue {
        var verbs = JSONObject()
        for (k, v) in byVerb.sorted(by: { $0.key < $1.key }) { verbs[k] = .int(Int64(v)) }
        var resources = JSONObject()
        for (r, counts) in byResource.sorted(by: { $0.key < $1.key }) {
            var c = JSONObject()
            for (k, v) in counts.sorted(by: { $0.key < $1.key }) { c[k] = .int(Int64(v)) }
            resources[r] = .object(c)
        }
        return ["total": .int(Int64(total)), "mutating": .int(Int64(mutating)), "discovery": .int(Int64(discovery)),
                "bytesReceived": .int(Int64(bytesReceived)), "bytesSent": .int(Int64(bytesSent)),
                "byVerb": .object(verbs), "byResource": .object(resources)]
    }
}
