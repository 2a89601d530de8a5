import Resources

/// Makes the Nth request matching a verb/resource fail, hang (before or after carrying it out) or reset the connection.
public struct FaultRule: Sendable, Hashable {
    /// What happens to the matching request.
    public enum Action: Sendable, Hashable {
        /// Answer with this HTTP status and a Kubernetes `Status` body (`message` optional).
        case status(Int, message: String?)
        /// Hold the connection without answering until the client gives up or the Sandbox stops.
        case hang
        /// Reset the TCP connection (RST) without answering.
        case reset
        /// Carry the request out (a write takes effect), then hold the connection without answering: the client
        /// times out not knowing that its request succeeded (a lost response).
        case hangAfterApply
    }

    /// A Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`),
    /// `mutating` for any of create/update/patch/delete/deletecollection, or nil for any verb.
    public var verb: String?
    /// The resource, plain (`deployments`) or qualified (`deployments.apps`), optionally with a subresource
    /// (`canaries.flagger.app/status`); nil for any resource.
    public var resource: String?
    /// Only requests in this namespace (nil: any).
    public var namespace: String?
    /// Only requests for this object name (nil: any).
    public var name: String?
    /// The first matching request that fails (1 = the next one).
    public var nth: Int
    /// How many consecutive matching requests fail from the Nth on.
    public var times: Int
    /// What happens.
    public var action: Action
    /// Matching requests seen so far.
    public internal(set) var seen = 0
    /// Requests failed so far.
    public internal(set) var fired = 0

    /// A rule; `nth` counts matching requests from when the rule is installed.
    public init(
        verb: String? = nil, resource: String? = nil, namespace: String? = nil, name: String? = nil, nth: Int = 1,
        times: Int = 1, action: Action
    ) {
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.nth = max(nth, 1)
        self.times = max(times, 1)
        self.action = action
    }

    func matches(verb v: String, type t: ResourceType?, path: ResourcePath) -> Bool {
        if let verb {
            if verb == "mutating" {
                guard KubeVerb.mutating.contains(v) else { return false }
            } else if verb != v {
                return false
            }
        }
        if let resource {
            let sub = path.subresource.map { "/\($0)" } ?? ""
            let plain = path.resource + sub
            let qualified = (path.group.isEmpty ? path.resource : "\(path.resource).\(path.group)") + sub
            guard resource == plain || resource == qualified || (t?.shortNames.contains(resource) ?? false) else { return false }
        }
        if let namespace, namespace != path.namespace { return false }
        if let name, name != path.name { return false }
        return true
    }

    /// Counts a matching request and tells whether it must fail.
    mutating func fire() -> Bool {
        seen += 1
        guard seen >= nth, fired < times else { return false }
        fired += 1
        return true
    }

    /// Parses the control API's JSON form: `{"verb":"create","resource":"deployments","nth":3,"times":1,
    /// "action":"status","status":500,"message":"boom"}` (`action` is `status`, `hang`, `hang-after-apply` or `reset`).
    static func parse(_ v: JSONValue) -> FaultRule? {
        let action: Action
        switch v["action"]?.stringValue ?? "status" {
        case "hang": action = .hang
        case "reset": action = .reset
        case "hang-after-apply": action = .hangAfterApply
        case "status":
            action = .status(Int(v["status"]?.intValue ?? 500), message: v["message"]?.stringValue)
        default: return nil
        }
        return FaultRule(
            verb: v["verb"]?.stringValue, resource: v["resource"]?.stringValue, namespace: v["namespace"]?.stringValue,
            name: v["name"]?.stringValue, nth: Int(v["nth"]?.intValue ?? 1), times: Int(v["times"]?.intValue ?? 1),
            action: action)
    }

    var json: JSONValue {
        var o = JSONObject()
        if let verb { o["verb"] = .string(verb) }
        if let resource { o["resource"] = .string(resource) }
        if let namespace { o["namespace"] = .string(namespace) }
        if let name { o["name"] = .string(name) }
        o["nth"] = .int(Int64(nth))
        o["times"] = .int(Int64(times))
        switch action {
        case .hang: o["action"] = "hang"
        case .reset: o["action"] = "reset"
        case .hangAfterApply: o["action"] = "hang-after-apply"
        case .status(let code, let message):
            o["action"] = "status"
            o["status"] = .int(Int64(code))
            if let message { o["message"] = .string(message) }
        }
        o["seen"] = .int(Int64(seen))
        o["fired"] = .int(Int64(fired))
        return .object(o)
    }
}
