import Resources

/// Gloo Edge (flagger-behaviour.md §6.7): kube Upstreams `<ns>-<apex>-primaryupstream-<port>` and
/// `<ns>-<apex>-canaryupstream-<port>` (settings copied from `spec.upstreamRef`), and a RouteTable `<apex>` with
/// one multi-destination route. A/B by headers and methods; no mirroring.
struct GlooRouter: RouterDependencies {
    func dependencies(of canary: Canary, settings: PlannerSettings) -> [ObjectRef] {
        guard let ref = canary.spec.upstreamRef else { return [] }
        return [ObjectRef(apiVersion: "gloo.solo.io/v1", kind: "Upstream", namespace: ref.namespace ?? canary.namespace,
                          name: ref.name)]
    }

    static func upstreamName(_ canary: Canary, _ role: String) -> String {
        "\(canary.namespace)-\(canary.apexName)-\(role)upstream-\(canary.servicePort)"
    }

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "gloo") { return .failure(b) }
        guard routes.primary + routes.canary > 0 else {
            return .failure(PlanBlock("RouteTable \(canary.apexName).\(canary.namespace): weights 0/0 are refused"))
        }
        var template = JSONValue.object(JSONObject())
        if let ref = canary.spec.upstreamRef {
            let ns = ref.namespace ?? canary.namespace
            guard let source = ctx.observed.first(where: { $0.key.kind == "Upstream" && $0.key.name == ref.name
                                                          && $0.key.namespace == ns })?.value else {
                return .failure(PlanBlock("Upstream \(ref.name).\(ns) get query error: not found (spec.upstreamRef of "
                    + "canary \(canary.name))"))
            }
            template = source["spec"] ?? template
            template["kube"] = nil
        }
        func upstream(_ role: String, service: String) -> JSONValue {
            var spec = template
            spec["kube"] = ["serviceName": .string(service), "serviceNamespace": .string(canary.namespace),
                            "servicePort": .int(Int64(canary.servicePort))]
            return ["apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
                    "metadata": ProviderSupport.metadata(canary, name: Self.upstreamName(canary, role)), "spec": spec]
        }
        var matcher = JSONValue.object(JSONObject())
        let headers = ProviderSupport.abHeaders(canary).map { name, m -> JSONValue in
            if let r = m["regex"]?.stringValue { return ["name": .string(name), "value": .string(r), "regex": true] }
            return ["name": .string(name), "value": .string(m["exact"]?.stringValue ?? "")]
        }
        if !headers.isEmpty { matcher["headers"] = .array(headers) }
        let methods = (canary.effectiveAnalysis?.match ?? []).compactMap { $0["method", "exact"] }
        if !methods.isEmpty { matcher["methods"] = .array(methods) }
        func destination(_ role: String, _ weight: Int) -> JSONValue {
            ["destination": ["upstream": ["name": .string(Self.upstreamName(canary, role)), "namespace": .string(canary.namespace)]],
             "weight": .int(Int64(weight))]
        }
        var route: JSONValue = ["inheritablePathMatchers": true,
                                "routeAction": ["multi": ["destinations": [destination("primary", routes.primary),
                                                                            destination("canary", routes.canary)]]]]
        if matcher.objectValue?.isEmpty == false { route["matchers"] = [matcher] }
        let table: JSONValue = ["apiVersion": "gateway.solo.io/v1", "kind": "RouteTable",
                                "metadata": ProviderSupport.metadata(canary, name: canary.apexName),
                                "spec": ["routes": [route]]]
        return .success([upstream("primary", service: canary.primaryServiceName),
                         upstream("canary", service: canary.canaryServiceName), table])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let table = observed("RouteTable", ctx.canary.apexName),
              let dests = table["spec", "routes"]?.arrayValue?.first?["routeAction", "multi", "destinations"]?.arrayValue,
              let primary = dests.first(where: { $0["destination", "upstream", "name"]?.stringValue == Self.upstreamName(ctx.canary, "primary") })
        else { return nil }
        let p = Int(primary["weight"]?.intValue ?? 0)
        return Routes(primary: p, canary: 100 - p)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
