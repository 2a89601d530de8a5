import Resources

/// The Ingress handling shared by the NGINX and Skipper routers: the referenced Ingress, and its paths whose
/// backend is the apex service.
enum IngressSupport {
    static let apiVersion = "networking.k8s.io/v1"
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

    /// The Ingress named by `spec.ingressRef`, or why it cannot be used.
    static func source(_ ctx: RouteContext, provider: String) -> Result<JSONValue, PlanBlock> {
        let canary = ctx.canary
        guard let ref = canary.spec.ingressRef else {
            return .failure(PlanBlock("canary \(canary.name).\(canary.namespace): the \(provider) provider needs "
                + "spec.ingressRef (the Ingress that routes to the apex service \(canary.apexName))"))
        }
        guard let ingress = ctx.object(kind: "Ingress", name: ref.name) else {
            return .failure(PlanBlock("ingress \(ref.name).\(canary.namespace) get query error: not found "
                + "(spec.ingressRef of canary \(canary.name))"))
        }
        let paths = (ingress["spec", "rules"]?.arrayValue ?? []).flatMap { $0["http", "paths"]?.arrayValue ?? [] }
        guard paths.contains(where: { $0["backend", "service", "name"]?.stringValue == canary.apexName }) else {
            return .failure(PlanBlock("ingress \(ref.name).\(canary.namespace): no path backend points to the apex "
                + "service \(canary.apexName); the \(provider) provider routes only such paths"))
        }
        return .success(ingress)
    }

    /// The reference of the referenced Ingress.
    static func ref(_ canary: Canary) -> ObjectRef? {
        canary.spec.ingressRef.map {
            ObjectRef(apiVersion: apiVersion, kind: "Ingress", namespace: canary.namespace, name: $0.name)
        }
    }

    /// The source spec with each path's rules rewritten by `transform` (which returns the replacement paths).
    static func spec(_ source: JSONValue, paths transform: (JSONValue) -> [JSONValue]) -> JSONValue {
        var spec = source["spec"] ?? .object(JSONObject())
        spec["rules"] = spec["rules"]?.mapArray { rule in
            var rule = rule
            if let paths = rule["http", "paths"]?.arrayValue {
                rule.set(.array(paths.flatMap(transform)), at: ["http", "paths"])
            }
            return rule
        }
        return spec
    }
}
