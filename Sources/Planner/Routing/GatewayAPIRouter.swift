import Resources

/// Gateway API: an HTTPRoute `<apex>` (gateway.networking.k8s.io v1 or v1beta1, flagger-behaviour.md §6.3).
struct GatewayAPIRouter: Router {
    /// `v1` or `v1beta1`.
    var version: String

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        let service = canary.spec.service
        guard let parents = service.gatewayRefs, !parents.isEmpty else {
            return .failure(PlanBlock("HTTPRoute \(canary.apexName).\(canary.namespace): spec.service.gatewayRefs "
                + "must name at least one Gateway for the gatewayapi provider"))
        }
        let serviceMatches: [JSONValue]
        switch Self.matches(service.match ?? []) {
        case .success(let m): serviceMatches = m
        case .failure(let e): return .failure(e)
        }
        let filters = self.filters(service)
        var weighted = rule(matches: serviceMatches.isEmpty ? [Self.defaultMatch] : serviceMatches, filters: filters,
                            backends: backends(canary, routes), service: service)
        if routes.mirrored && canary.iterations > 0 {
            var f = weighted["filters"]?.arrayValue ?? []
            f.append(["type": "RequestMirror", "requestMirror": ["backendRef": backendRef(canary, canary.canaryServiceName, weight: nil)]])
            weighted["filters"] = .array(f)
        }
        var rules: [JSONValue]
        if let ab = canary.effectiveAnalysis?.match, !ab.isEmpty {
            let abMatches: [JSONValue]
            switch Self.matches(IstioRouter.merge(ab, into: service.match ?? [])) {
            case .success(let m): abMatches = m
            case .failure(let e): return .failure(e)
            }
            rules = [
                rule(matches: abMatches, filters: filters, backends: backends(canary, routes), service: service),
                rule(matches: serviceMatches.isEmpty ? [Self.defaultMatch] : serviceMatches, filters: filters,
                     backends: [backendRef(canary, canary.primaryServiceName, weight: 100)], service: service),
            ]
        } else if let affinity = canary.effectiveAnalysis?.sessionAffinity {
            rules = sessionAffinityRules(ctx, affinity: affinity, weighted: weighted, serviceMatches: serviceMatches,
                                         filters: filters, routes: routes)
        } else {
            rules = [weighted]
        }
        var spec: JSONValue = ["parentRefs": .array(parents), "rules": .array(rules)]
        if let hosts = service.hosts, !hosts.isEmpty { spec["hostnames"] = .array(hosts.map(JSONValue.string)) }
        var annotations = service.apex?.annotations ?? [:]
        annotations.merge(GeneratedMetadata.fluxAnnotations) { a, _ in a }
        return .success([[
            "apiVersion": .string("gateway.networking.k8s.io/" + version), "kind": "HTTPRoute",
            "metadata": GeneratedMetadata.metadata(name: canary.apexName, namespace: canary.namespace,
                                                   labels: service.apex?.labels ?? [:], annotations: annotations,
                                                   owner: canary),
            "spec": spec,
        ]])
    }

    static let defaultMatch: JSONValue = ["path": ["type": "PathPrefix", "value": "/"]]

    func rule(matches: [JSONValue], filters: [JSONValue], backends: [JSONValue], service: CanaryService) -> JSONValue {
        var r: JSONValue = ["matches": .array(matches), "backendRefs": .array(backends)]
        if !filters.isEmpty { r["filters"] = .array(filters) }
        var timeouts = JSONValue.object(JSONObject())
        if let t = service.timeout, !t.isEmpty { timeouts["request"] = .string(t) }
        if let t = service.backendTimeout, !t.isEmpty { timeouts["backendRequest"] = .string(t) }
        if timeouts.objectValue?.isEmpty == false { r["timeouts"] = timeouts }
        return r
    }

    func backendRef(_ canary: Canary, _ name: String, weight: Int?) -> JSONValue {
        var b: JSONValue = ["group": "", "kind": "Service", "name": .string(name), "port": .int(Int64(canary.servicePort))]
        if let weight { b["weight"] = .int(Int64(weight)) }
        return b
    }

    func backends(_ canary: Canary, _ routes: Routes) -> [JSONValue] {
        [backendRef(canary, canary.primaryServiceName, weight: routes.primary),
         backendRef(canary, canary.canaryServiceName, weight: routes.canary)]
    }

    /// Header modifiers (entries sorted by name), URL rewrite, static mirrors and CORS from `spec.service`.
    func filters(_ service: CanaryService) -> [JSONValue] {
        var out: [JSONValue] = []
        for (side, type, field) in [("request", "RequestHeaderModifier", "requestHeaderModifier"),
                                    ("response", "ResponseHeaderModifier", "responseHeaderModifier")] {
            guard let ops = service.headers?[side] else { continue }
            var modifier = JSONValue.object(JSONObject())
            for op in ["add", "set"] {
                guard let map = ops[op]?.objectValue, !map.isEmpty else { continue }
                let entries = map.keys.sorted().map { k -> JSONValue in ["name": .string(k), "value": map[k] ?? ""] }
                modifier[op] = .array(entries)
            }
            if let remove = ops["remove"]?.arrayValue, !remove.isEmpty { modifier["remove"] = .array(remove) }
            if modifier.objectValue?.isEmpty == false { out.append(["type": .string(type), field: modifier]) }
        }
        if let rw = service.rewrite {
            var rewrite = JSONValue.object(JSONObject())
            if let a = rw["authority"]?.stringValue, !a.isEmpty { rewrite["hostname"] = .string(a) }
            if let uri = rw["uri"]?.stringValue, !uri.isEmpty {
                rewrite["path"] = rw["type"]?.stringValue == "ReplacePrefixMatch"
                    ? ["type": "ReplacePrefixMatch", "replacePrefixMatch": .string(uri)]
                    : ["type": "ReplaceFullPath", "replaceFullPath": .string(uri)]
            }
            if rewrite.objectValue?.isEmpty == false { out.append(["type": "URLRewrite", "urlRewrite": rewrite]) }
        }
        for m in service.mirror ?? [] { out.append(m) }
        if let origins = service.corsPolicy?["allowOrigin"]?.arrayValue, !origins.isEmpty {
            out.append(["type": "CORS", "cors": ["allowOrigins": .array(origins)]])
        }
        return out
    }

    /// Maps Istio-style matches to Gateway API matches.
    static func matches(_ istio: [JSONValue]) -> Result<[JSONValue], PlanBlock> {
        var out: [JSONValue] = []
        for m in istio {
            var g = JSONValue.object(JSONObject())
            if let uri = m["uri"] {
                if let v = uri["regex"]?.stringValue { g["path"] = ["type": "RegularExpression", "value": .string(v)] }
                else if let v = uri["exact"]?.stringValue { g["path"] = ["type": "Exact", "value": .string(v)] }
                else if let v = uri["prefix"]?.stringValue { g["path"] = ["type": "PathPrefix", "value": .string(v)] }
                else { return .failure(PlanBlock("unsupported uri match \(uri) for the Gateway API")) }
            }
            if let method = m["method"] {
                guard let v = method["exact"]?.stringValue else {
                    return .failure(PlanBlock("unsupported method match \(method) for the Gateway API"))
                }
                g["method"] = .string(v)
            }
            for (field, out) in [("headers", "headers"), ("queryParams", "queryParams")] {
                guard let map = m[field]?.objectValue else { continue }
                var list: [JSONValue] = []
                for key in map.keys.sorted() {
                    let sm = map[key] ?? .null
                    if let v = sm["exact"]?.stringValue {
                        list.append(["type": "Exact", "name": .string(key), "value": .string(v)])
                    } else if let v = sm["regex"]?.stringValue {
                        list.append(["type": "RegularExpression", "name": .string(key), "value": .string(v)])
                    } else {
                        return .failure(PlanBlock("unsupported \(field) match \(key) for the Gateway API"))
                    }
                }
                g[out] = .array(list)
            }
            out.append(g)
        }
        return .success(out)
    }

    func sessionAffinityRules(_ ctx: RouteContext, affinity: SessionAffinity, weighted: JSONValue,
                              serviceMatches: [JSONValue], filters: [JSONValue], routes: Routes) -> [JSONValue] {
        func cookieMatches(_ c: String) -> [JSONValue] {
            let (name, value) = SessionCookies.split(c)
            let header: JSONValue = ["type": "RegularExpression", "name": "Cookie", "value": .string(".*\(name).*\(value).*")]
            let base = serviceMatches.isEmpty ? [Self.defaultMatch] : serviceMatches
            return base.map { m in
                var m = m
                m["headers"] = .array((m["headers"]?.arrayValue ?? []) + [header])
                return m
            }
        }
        let canary = ctx.canary
        func setCookie(_ value: String) -> JSONValue {
            ["type": "ResponseHeaderModifier",
             "responseHeaderModifier": ["add": [["name": "Set-Cookie", "value": .string(value)]]]]
        }
        guard routes.canary > 0, let cookie = ctx.cookies.canary else {
            // At weight 0 the previous run's cookie is expired by a rule that matches it.
            guard let previous = ctx.cookies.previous else { return [weighted] }
            var expire = weighted
            expire["matches"] = .array(cookieMatches(previous))
            expire["filters"] = .array(filters + [setCookie("\(previous); Max-Age=-1")])
            return [expire, weighted]
        }
        var weighted = weighted
        weighted["backendRefs"] = weighted["backendRefs"]?.mapArray { b in
            var b = b
            if b["name"]?.stringValue == canary.canaryServiceName {
                b["filters"] = [setCookie(SessionCookies.setCookie(cookie, maxAge: affinity.effectiveMaxAge, affinity: affinity))]
            } else if let p = ctx.cookies.primary {
                b["filters"] = [setCookie(SessionCookies.setCookie(p, maxAge: Int(canary.intervalSeconds), affinity: affinity))]
            }
            return b
        }
        var result = [rule(matches: cookieMatches(cookie), filters: filters,
                           backends: [backendRef(canary, canary.canaryServiceName, weight: 100)],
                           service: canary.spec.service)]
        if let p = ctx.cookies.primary {
            result.append(rule(matches: cookieMatches(p), filters: filters,
                               backends: [backendRef(canary, canary.primaryServiceName, weight: 100)],
                               service: canary.spec.service))
        }
        result.append(weighted)
        return result
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let route = observed("HTTPRoute", ctx.canary.apexName) else { return nil }
        let canaryName = ctx.canary.canaryServiceName
        for rule in route["spec", "rules"]?.arrayValue ?? [] {
            let backends = rule["backendRefs"]?.arrayValue ?? []
            guard backends.count == 2 else { continue }
            var p = 0, c = 0
            for b in backends {
                let w = Int(b["weight"]?.intValue ?? 1)
                if b["name"]?.stringValue == canaryName { c = w } else { p = w }
            }
            let mirrored = (rule["filters"]?.arrayValue ?? []).contains {
                $0["type"]?.stringValue == "RequestMirror" && $0["requestMirror", "backendRef", "name"]?.stringValue == canaryName
            }
            return Routes(primary: p, canary: c, mirrored: mirrored)
        }
        return nil
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
