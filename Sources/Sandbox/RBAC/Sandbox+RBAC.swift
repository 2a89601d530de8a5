import Foundation
import HTTPServer
import Resources

extension Sandbox {
    /// Issues a bearer token for a service account (RBAC mode): requests with it are made as
    /// `system:serviceaccount:<namespace>:<serviceAccount>` (groups `system:serviceaccounts`,
    /// `system:serviceaccounts:<namespace>`, `system:authenticated`) and authorized by the stored RBAC objects.
    /// The service account need not exist. Each call returns a new token; earlier ones stay valid.
    public func issueToken(namespace: String, serviceAccount: String) -> String {
        let token = Self.randomToken(prefix: "sandbox-sa")
        state.withLock { $0.tokens[token] = RBACUser.serviceAccount(namespace: namespace, name: serviceAccount) }
        return token
    }

    /// A kubeconfig (YAML) that authenticates with `bearerToken` (e.g. one from ``issueToken(namespace:serviceAccount:)``).
    public func kubeconfig(namespace: String = "default", bearerToken: String) -> String {
        Kubeconfig.yaml(server: apiURL, token: bearerToken, namespace: namespace)
    }

    /// Whether `user` may do `verb` on a resource: the RBAC decision without making the request.
    public func isAllowed(
        _ user: RBACUser, verb: String, group: String, resource: String, subresource: String = "",
        namespace: String = "", name: String = ""
    ) -> Bool {
        let a = RBACAttributes(
            verb: verb, apiGroup: group, resource: resource, subresource: subresource, namespace: namespace, name: name)
        return state.withLock { RBACAuthorizer.authorize(user, a, in: $0.cluster) } == .allow
    }

    static func randomToken(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = (0..<4).map { _ in String(rng.next() as UInt64, radix: 16) }.joined()
        return "\(prefix)-\(hex)"
    }

    /// The identity of a request: nil when RBAC mode is off or the bearer token is unknown.
    func authenticate(_ request: HTTPServerRequest) -> RBACUser? {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return nil }
        let presented = String(header.dropFirst("Bearer ".count))
        if let token, presented == token { return .admin }
        return state.withLock { $0.tokens[presented] }
    }

    /// The RBAC check of a resource request; nil when allowed, else the 403 response.
    /// A server-side apply that creates its object is also authorized as a `create` of it, as kube-apiserver's patch
    /// handler does (`createValidation` wrapped `withAuthorization`): the 403 then names `create`.
    func authorizeResource(_ user: RBACUser, call: APICall) -> HTTPServerResponse? {
        var a = RBACAttributes(verb: call.verb, path: call.path, fieldSelector: call.query["fieldSelector"])
        let decision = state.withLock { s -> RBACAuthorizer.Decision in
            let decision = RBACAuthorizer.authorize(user, a, in: s.cluster)
            guard decision == .allow, Self.createsByApply(call, in: s.cluster) else { return decision }
            a.verb = "create"
            return RBACAuthorizer.authorize(user, a, in: s.cluster)
        }
        guard case .deny(let reason) = decision else { return nil }
        let error = a.forbidden(user: user, reason: reason)
        logger.info("sandbox rbac denied", metadata: ["user": "\(user.name)", "verb": "\(a.verb)", "resource": "\(a.combinedResource)"])
        return Self.json(403, error.status)
    }

    /// Whether `call` is a server-side apply of an object that does not exist (it would create it).
    static func createsByApply(_ call: APICall, in cluster: Cluster) -> Bool {
        guard call.verb == "patch", call.contentType.hasPrefix("application/apply-patch"), call.path.subresource == nil,
            let name = call.path.name, let t = try? cluster.resolve(call.path)
        else { return false }
        return (try? cluster.get(t, namespace: call.path.namespace, name: name)) == nil
    }

    /// `POST /sandbox/tokens {"namespace", "serviceAccount"}`: a service-account token (admin only).
    func tokenControl(_ body: JSONValue) -> HTTPServerResponse {
        guard rbac else { return Self.json(400, APIError.badRequest("tokens are issued in RBAC mode only (--rbac)").status) }
        guard let ns = body["namespace"]?.stringValue, !ns.isEmpty,
            let sa = body["serviceAccount"]?.stringValue, !sa.isEmpty
        else {
            return Self.json(400, APIError.badRequest("a token request needs namespace and serviceAccount").status)
        }
        let token = issueToken(namespace: ns, serviceAccount: sa)
        return Self.json(201, ["token": .string(token), "username": .string(RBACUser.serviceAccount(namespace: ns, name: sa).name)])
    }

    /// `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews` (what `kubectl auth can-i` sends): the
    /// review with `status.allowed` for the requesting user. Every authenticated user may ask, as with
    /// kube-apiserver's `system:basic-user`.
    func selfSubjectAccessReview(_ user: RBACUser, call: APICall) -> HTTPServerResponse {
        guard call.verb == "create" else { return Self.json(405, APIError.methodNotAllowed("only create is supported").status) }
        var review: JSONValue
        if call.contentType.contains("protobuf") {
            guard let decoded = ProtobufReview.decode(call.body) else {
                return Self.json(400, APIError.badRequest("the protobuf SelfSubjectAccessReview could not be read").status)
            }
            review = decoded
        } else {
            do { review = try call.bodyJSON() } catch { return Self.json(error.code, error.status) }
        }
        let allowed: Bool
        if let r = review["spec", "resourceAttributes"] {
            func s(_ k: String) -> String { r[k]?.stringValue ?? "" }
            let a = RBACAttributes(
                verb: s("verb"), apiGroup: s("group"), resource: s("resource"), subresource: s("subresource"),
                namespace: s("namespace"), name: s("name"))
            allowed = state.withLock { RBACAuthorizer.authorize(user, a, in: $0.cluster) } == .allow
        } else {
            allowed = user.isPrivileged || Self.isDiscoveryPath(review["spec", "nonResourceAttributes", "path"]?.stringValue ?? "")
        }
        review["status"] = ["allowed": .bool(allowed)]
        review["apiVersion"] = "authorization.k8s.io/v1"
        review["kind"] = "SelfSubjectAccessReview"
        return Self.json(201, review)
    }

    /// Paths every authenticated user may read (`system:discovery` and `system:public-info-viewer`).
    static func isDiscoveryPath(_ path: String) -> Bool {
        ["/api", "/apis", "/version", "/healthz", "/readyz", "/livez"].contains(path) || path.hasPrefix("/api/")
            || path.hasPrefix("/apis/") || path.hasPrefix("/openapi")
    }
}
