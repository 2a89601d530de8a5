import Resources

/// APISIX: an ApisixRoute `<routeRef>-<apex>-canary` cloned from the `spec.routeRef` route, every HTTP route's
/// backends replaced by the primary (weight P) and canary (weight C) services (flagger-behaviour.md §6.9).
/// No A/B, no mirroring.
struct APISIXRouter: RouterDependencies {
    static let apiVersion = "apisix.apache.org/v2"

    func dependencies(of canary: Canary, settings: PlannerSettings) -> [ObjectRef] {
        guard let ref = canary.spec.routeRef else { return [] }
        return [ObjectRef(apiVersion: ref.apiVersion ?? Self.apiVersion, kind: "ApisixRoute", namespace: canary.namespace,
                          name: ref.name)]
    }

    func name(_ canary: Canary) -> String { "\(canary.spec.routeRef?.name ?? "")-\(canary.apexName)-canary" }

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "apisix") { return .failure(b) }
        if ProviderSupport.isAB(canary) {
            return .failure(PlanBlock("ApisixRoute \(name(canary)).\(canary.namespace): A/B testing "
                + "(spec.analysis.match) is not supported by the apisix provider"))
        }
        guard let ref = canary.spec.routeRef else {
            return .failure(PlanBlock("canary \(canary.name).\(canary.namespace): the apisix provider needs spec.routeRef "
                + "(the ApisixRoute of the apex service)"))
        }
        guard let source = ctx.object(kind: "ApisixRoute", name: ref.name) else {
            return .failure(PlanBlock("ApisixRoute \(ref.name).\(canary.namespace) get query error: not found "
                + "(spec.routeRef of canary \(canary.name))"))
        }
        var spec = source["spec"] ?? .object(JSONObject())
        func backend(_ service: String, _ weight: Int) -> JSONValue {
            ["serviceName": .string(service), "servicePort": .int(Int64(canary.servicePort)), "weight": .int(Int64(weight))]
        }
        spec["http"] = spec["http"]?.mapArray { http in
            var h = http
            h["backends"] = [backend(canary.primaryServiceName, routes.primary), backend(canary.canaryServiceName, routes.canary)]
            return h
        }
        return .success([["apiVersion": .string(Self.apiVersion), "kind": "ApisixRoute",
                          "metadata": ProviderSupport.metadata(canary, name: name(canary)), "spec": spec]])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let route = observed("ApisixRoute", name(ctx.canary)),
              let backends = route["spec", "http"]?.arrayValue?.first?["backends"]?.arrayValue,
              let (p, c) = ProviderSupport.weights(backends, canaryName: ctx.canary.canaryServiceName,
                                                   name: { $0["serviceName"]?.stringValue },
                                                   weight: { ProviderSupport.int($0["weight"]) }) else { return nil }
        return Routes(primary: p, canary: c)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
