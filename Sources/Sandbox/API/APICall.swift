import HTTPServer
import Resources

/// One Kubernetes API request, decoded from HTTP: the path, the verb and the options kube-apiserver reads.
struct APICall {
    var method: String
    var path: ResourcePath
    var verb: String
    var query: [String: String]
    var body: [UInt8]
    var contentType: String
    var userAgent: String
    var accept: String

    init(_ request: HTTPServerRequest, path: ResourcePath) {
        method = request.method
        self.path = path
        var q: [String: String] = [:]
        for item in request.queryItems where q[item.name] == nil { q[item.name] = item.value }
        query = q
        body = request.body
        contentType = (request.header("Content-Type") ?? "").lowercased()
        userAgent = request.header("User-Agent") ?? ""
        accept = request.header("Accept") ?? ""
        let watch = q["watch"] == "true" || q["watch"] == "1"
        verb = KubeVerb.of(method: request.method, path: path, watch: watch)
    }

    var dryRun: Bool { query["dryRun"] == "All" }
    var force: Bool { query["force"] == "true" }

    /// The field manager: the `fieldManager` parameter, else the user agent's program name (as kube-apiserver).
    var manager: String {
        if let m = query["fieldManager"], !m.isEmpty { return m }
        let program = userAgent.split(separator: "/").first.map(String.init) ?? ""
        return program.isEmpty ? "unknown" : program
    }

    func listOptions() throws(APIError) -> ListOptions {
        var o = ListOptions()
        if let s = query["labelSelector"], !s.isEmpty { o.labelSelector = try LabelSelector(s) }
        if let s = query["fieldSelector"], !s.isEmpty { o.fieldSelector = try FieldSelector(s) }
        if let l = query["limit"] {
            guard let n = Int(l), n >= 0 else { throw .badRequest("invalid limit \"\(l)\"") }
            o.limit = n
        }
        o.continueToken = query["continue"]
        o.resourceVersion = query["resourceVersion"]
        return o
    }

    /// The body as JSON (YAML is accepted for apply patches).
    func bodyJSON() throws(APIError) -> JSONValue {
        if body.isEmpty { throw .badRequest("the request body is empty") }
        do {
            return try JSONParser.parse(body)
        } catch {
            if contentType.contains("yaml"),
                let docs = try? ManifestDecoder().decode(yaml: String(decoding: body, as: UTF8.self), file: "request"),
                let first = docs.first
            {
                return first.object
            }
            throw .badRequest("the request body is not valid JSON: \(error.description)")
        }
    }

    var writeOptions: WriteOptions {
        WriteOptions(
            manager: manager, dryRun: dryRun, force: force, subresource: path.subresource,
            fieldValidation: query["fieldValidation"])
    }
}
