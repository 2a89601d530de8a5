import Resources

/// Istio: a VirtualService `<apex>` and DestinationRules `<apex>-primary`, `<apex>-canary`
/// (networking.istio.io/v1beta1, flagger-behaviour.md §6.2).
struct IstioRouter: Router {
    static let apiVersion = "networking.istio.io/v1beta1"

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        let service = canary.spec.service
        let delegation = service.delegation == true
        if delegation && (!(service.hosts ?? []).isEmpty || !(service.gateways ?? []).isEmpty) {
            return .failure(PlanBlock("VirtualService \(canary.apexName).\(canary.namespace): delegation is enabled, "
                + "so spec.service.hosts and spec.service.gateways must be empty"))
        }
        var spec = JSONValue.object(JSONObject())
        if !delegation {
            var hosts = service.hosts ?? []
            if !hosts.contains(canary.apexName) && !hosts.contains("*") { hosts.append(canary.apexName) }
            let gateways = (service.gateways ?? []).isEmpty ? ["mesh"] : (service.gateways ?? [])
            spec["hosts"] = .array(hosts.map(JSONValue.string))
            spec["gateways"] = .array(gateways.map(JSONValue.string))
        }
        if service.appProtocol?.lowercased() == "tcp" {
            var route: JSONValue = ["route": .array(destinations(ctx, routes))]
            let ports = (service.match ?? []).compactMap { $0["port"] }.map { JSONValue.object(JSONObject([("port", $0)])) }
            if !ports.isEmpty { route["match"] = .array(ports) }
            spec["tcp"] = [route]
        } else {
            spec["http"] = .array(httpRoutes(ctx, routes))
        }
        var annotations = service.apex?.annotations ?? [:]
        annotations.merge(GeneratedMetadata.fluxAnnotations) { a, _ in a }
        let vs: JSONValue = [
            "apiVersion": .string(Self.apiVersion), "kind": "VirtualService",
            "metadata": GeneratedMetadata.metadata(name: canary.apexName, namespace: canary.namespace,
                                                   labels: service.apex?.labels ?? [:], annotations: annotations,
                                                   owner: canary),
            "spec": spec,
        ]
        return .success([destinationRule(canary, canary.primaryServiceName), destinationRule(canary, canary.canaryServiceName), vs])
    }

    func destinationRule(_ canary: Canary, _ host: String) -> JSONValue {
        var spec: JSONValue = ["host": .string(host)]
        if let tp = canary.spec.service.trafficPolicy { spec["trafficPolicy"] = tp }
        return [
            "apiVersion": .string(Self.apiVersion), "kind": "DestinationRule",
            "metadata": GeneratedMetadata.metadata(name: host, namespace: canary.namespace, labels: [:],
                                                   annotations: GeneratedMetadata.fluxAnnotations, owner: canary),
            "spec": spec,
        ]
    }

    /// A destination; with portDiscovery behind a gateway (or delegated), the port is explicit.
    func destination(_ canary: Canary, _ host: String, weight: Int) -> JSONValue {
        let service = canary.spec.service
        var dest: JSONValue = ["host": .string(host)]
        let firstGateway = service.gateways?.first ?? "mesh"
        if service.portDiscovery == true && (firstGateway != "mesh" || service.delegation == true) {
            dest["port"] = ["number": .int(Int64(canary.servicePort))]
        }
        return ["destination": dest, "weight": .int(Int64(weight))]
    }

    func destinations(_ ctx: RouteContext, _ routes: Routes) -> [JSONValue] {
        [destination(ctx.canary, ctx.canary.primaryServiceName, weight: routes.primary),
         destination(ctx.canary, ctx.canary.canaryServiceName, weight: routes.canary)]
    }

    /// A route carrying the service-level options (match, rewrite, timeout, retries, CORS, headers).
    func baseRoute(_ canary: Canary, match: [JSONValue]?) -> JSONValue {
        let service = canary.spec.service
        var route = JSONValue.object(JSONObject())
        if let match, !match.isEmpty { route["match"] = .array(match) }
        if let r = service.rewrite { route["rewrite"] = istioRewrite(r) }
        if let t = service.timeout, !t.isEmpty { route["timeout"] = .string(t) }
        if let r = service.retries { route["retries"] = r }
        if let c = service.corsPolicy { route["corsPolicy"] = c }
        if let h = service.headers { route["headers"] = h }
        return route
    }

    /// Istio's rewrite has no `type`; `uri` and `authority` are kept.
    func istioRewrite(_ rewrite: JSONValue) -> JSONValue {
        var r = rewrite
        r["type"] = nil
        return r
    }

    func httpRoutes(_ ctx: RouteContext, _ routes: Routes) -> [JSONValue] {
        let canary = ctx.canary
        let serviceMatch = canary.spec.service.match ?? []
        var weighted = baseRoute(canary, match: serviceMatch)
        weighted["route"] = .array(destinations(ctx, routes))
        if routes.mirrored {
            weighted["mirror"] = ["host": .string(canary.canaryServiceName)]
            if let mw = canary.effectiveAnalysis?.mirrorWeight, mw > 0 { weighted["mirrorPercentage"] = ["value": .int(Int64(mw))] }
        }
        if let abMatch = canary.effectiveAnalysis?.match, !abMatch.isEmpty {
            var ab = baseRoute(canary, match: Self.merge(abMatch, into: serviceMatch))
            ab["route"] = .array(destinations(ctx, routes))
            var fallback = baseRoute(canary, match: serviceMatch)
            fallback["route"] = [destination(canary, canary.primaryServiceName, weight: 100)]
            return [ab, fallback]
        }
        guard let affinity = canary.effectiveAnalysis?.sessionAffinity else { return [weighted] }
        return sessionAffinityRoutes(ctx, affinity: affinity, weighted: weighted, routes: routes)
    }

    func sessionAffinityRoutes(_ ctx: RouteContext, affinity: SessionAffinity, weighted: JSONValue, routes: Routes)
        -> [JSONValue] {
        let canary = ctx.canary
        let serviceMatch = canary.spec.service.match ?? []
        var weighted = weighted
        var sticky = weighted
        var result: [JSONValue] = []
        if routes.canary > 0, let cookie = ctx.cookies.canary {
            let maxAge = affinity.effectiveMaxAge
            weighted["route"] = weighted["route"]?.mapArray { d in
                guard d["destination", "host"]?.stringValue == canary.canaryServiceName else {
                    guard let p = ctx.cookies.primary else { return d }
                    var d = d
                    let header = SessionCookies.setCookie(p, maxAge: Int(canary.intervalSeconds), affinity: affinity)
                    d["headers"] = ["response": ["add": ["Set-Cookie": .string(header)]]]
                    return d
                }
                var d = d
                let header = SessionCookies.setCookie(cookie, maxAge: maxAge, affinity: affinity)
                d["headers"] = ["response": ["add": ["Set-Cookie": .string(header)]]]
                return d
            }
            sticky["match"] = .array(Self.merge([Self.cookieMatch(cookie)], into: serviceMatch))
            sticky["route"] = [destination(canary, canary.canaryServiceName, weight: 100)]
            result.append(sticky)
            if let p = ctx.cookies.primary {
                var stickyPrimary = baseRoute(canary, match: Self.merge([Self.cookieMatch(p)], into: serviceMatch))
                stickyPrimary["route"] = [destination(canary, canary.primaryServiceName, weight: 100)]
                result.append(stickyPrimary)
            }
        } else {
            if let previous = ctx.cookies.previous {
                sticky["match"] = .array(Self.merge([Self.cookieMatch(previous)], into: serviceMatch))
                var headers = sticky["headers"] ?? .object(JSONObject())
                headers.set(.string("\(previous); Max-Age=-1"), at: ["response", "add", "Set-Cookie"])
                sticky["headers"] = headers
            }
            result.append(sticky)
        }
        result.append(weighted)
        return result
    }

    static func cookieMatch(_ cookie: String) -> JSONValue {
        let (name, value) = SessionCookies.split(cookie)
        return ["headers": ["Cookie": ["regex": .string(".*\(name).*\(value).*")]]]
    }

    /// Every combination of the analysis matches with the service matches: service entries copied with headers
    /// and sourceLabels replaced; the analysis list alone when the service has no match.
    static func merge(_ analysis: [JSONValue], into service: [JSONValue]) -> [JSONValue] {
        guard !service.isEmpty else { return analysis }
        var merged: [JSONValue] = []
        for a in analysis {
            for s in service {
                var m = s
                if let h = a["headers"] { m["headers"] = h }
                if let l = a["sourceLabels"] { m["sourceLabels"] = l }
                merged.append(m)
            }
        }
        return merged
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let vs = observed("VirtualService", ctx.canary.apexName) else { return nil }
        let all = (vs["spec", "http"]?.arrayValue ?? []) + (vs["spec", "tcp"]?.arrayValue ?? [])
        let canaryHost = ctx.canary.canaryServiceName
        guard let route = all.last(where: { r in
            (r["route"]?.arrayValue ?? []).contains { $0["destination", "host"]?.stringValue == canaryHost }
        }) else { return nil }
        var p = 0, c = 0
        for d in route["route"]?.arrayValue ?? [] {
            let w = Int(d["weight"]?.intValue ?? 0)
            if d["destination", "host"]?.stringValue == canaryHost { c = w } else { p = w }
        }
        return Routes(primary: p, canary: c, mirrored: route["mirror", "host"]?.stringValue == canaryHost)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] {
        guard let vs = observed("VirtualService", ctx.canary.apexName) else { return [] }
        let annotations = JSONValue.stringMap(vs["metadata", "annotations"])
        guard let text = annotations["kubectl.kubernetes.io/last-applied-configuration"]
                ?? annotations["flagger.kubernetes.io/original-configuration"],
              let original = try? JSONParser.parse(Array(text.utf8)) else { return [] }
        // The annotation holds either a whole object (kubectl) or a spec (Flagger).
        let spec = original["spec"] ?? original
        let ref = Manifest(object: vs).ref
        return [PlannedWrite(.patch(ref: ref, mergePatch: ["spec": spec]), intent: .change,
                             reason: "restore the VirtualService spec from before the canary (revertOnDeletion)")]
    }
}
