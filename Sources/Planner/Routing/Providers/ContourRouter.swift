import Resources

/// Contour: an HTTPProxy `<apex>` without a virtual host, to be included by a root proxy (projectcontour.io/v1,
/// flagger-behaviour.md §6.6). A/B by headers; no mirroring.
struct ContourRouter: Router {
    static let apiVersion = "projectcontour.io/v1"

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "contour") { return .failure(b) }
        guard routes.primary + routes.canary > 0 else {
            return .failure(PlanBlock("HTTPProxy \(canary.apexName).\(canary.namespace): weights 0/0 are refused"))
        }
        let prefix: JSONValue = ["prefix": .string(ProviderSupport.prefix(canary))]
        var routeList: [JSONValue]
        if ProviderSupport.isAB(canary) {
            var conditions = [prefix]
            for (name, match) in ProviderSupport.abHeaders(canary) {
                var header: JSONValue = ["name": .string(name)]
                if let v = match["exact"]?.stringValue { header["exact"] = .string(v) }
                else if let v = match["prefix"]?.stringValue ?? match["suffix"]?.stringValue { header["contains"] = .string(v) }
                else if let v = match["regex"]?.stringValue {
                    return .failure(PlanBlock("HTTPProxy \(canary.apexName).\(canary.namespace): header \(name) "
                        + "regex \(v) cannot be expressed by Contour conditions; use exact, prefix or suffix"))
                } else { header["present"] = true }
                conditions.append(["header": header])
            }
            routeList = [route(ctx, conditions: conditions, routes: routes),
                         route(ctx, conditions: [prefix], routes: Routes(primary: 100, canary: 0))]
        } else {
            routeList = [route(ctx, conditions: [prefix], routes: routes)]
        }
        var spec: JSONValue = ["routes": .array(routeList)]
        if !ctx.settings.ingressClass.isEmpty { spec["ingressClassName"] = .string(ctx.settings.ingressClass) }
        return .success([[
            "apiVersion": .string(Self.apiVersion), "kind": "HTTPProxy",
            "metadata": ProviderSupport.metadata(canary, name: canary.apexName),
            "spec": spec,
        ]])
    }

    func route(_ ctx: RouteContext, conditions: [JSONValue], routes: Routes) -> JSONValue {
        let canary = ctx.canary
        let service = canary.spec.service
        var r: JSONValue = ["conditions": .array(conditions), "services": [
            backend(canary, canary.primaryServiceName, weight: routes.primary),
            backend(canary, canary.canaryServiceName, weight: routes.canary),
        ]]
        if let t = service.timeout, !t.isEmpty { r["timeoutPolicy"] = ["response": .string(t), "idle": "5m"] }
        if let retries = service.retries {
            var policy: JSONValue = ["count": .int(retries["attempts"]?.intValue ?? 1)]
            if let t = retries["perTryTimeout"]?.stringValue { policy["perTryTimeout"] = .string(t) }
            if let on = retries["retryOn"]?.stringValue, !on.isEmpty {
                policy["retryOn"] = .array(on.split(separator: ",").map { .string($0.trimmingWhitespace) })
            }
            r["retryPolicy"] = policy
        }
        return r
    }

    func backend(_ canary: Canary, _ name: String, weight: Int) -> JSONValue {
        let port = canary.servicePort
        return ["name": .string(name), "port": .int(Int64(port)), "weight": .int(Int64(weight)),
                "requestHeadersPolicy": ["set": [["name": "l5d-dst-override",
                                                  "value": .string("\(name).\(canary.namespace).svc.cluster.local:\(port)")]]]]
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let proxy = observed("HTTPProxy", ctx.canary.apexName),
              let services = proxy["spec", "routes"]?.arrayValue?.first?["services"]?.arrayValue,
              let primary = services.first(where: { $0["name"]?.stringValue == ctx.canary.primaryServiceName }) else { return nil }
        let p = Int(primary["weight"]?.intValue ?? 0)
        return Routes(primary: p, canary: 100 - p)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}

extension Substring {
    /// Without leading and trailing spaces.
    var trimmingWhitespace: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
