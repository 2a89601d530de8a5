import Resources

/// App Mesh (flagger-behaviour.md §6.8): VirtualNodes `<apex>-primary` / `<apex>-canary`, a VirtualRouter and
/// VirtualService `<apex>` carrying the weights and `<apex>-canary` (100% canary). `v1beta2` renders
/// appmesh.k8s.aws/v1beta2 objects; `legacy` (the `appmesh` provider) the v1beta1 API, where the VirtualService
/// embeds its router and is named `<apex>.<ns>`. Reconciled before the primary exists. A/B by headers; no mirroring.
struct AppMeshRouter: RoutesBeforePrimary {
    /// Whether to render the legacy v1beta1 API.
    var legacy: Bool

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "App Mesh") { return .failure(b) }
        var headers: [JSONValue] = []
        for (name, match) in ProviderSupport.abHeaders(canary) {
            var m = JSONValue.object(JSONObject())
            for key in ["exact", "prefix", "suffix", "regex"] { if let v = match[key] { m[key] = v } }
            headers.append(["name": .string(name), "match": m])
        }
        let (label, value) = ProviderSupport.selector(ctx)
        let nodes = [virtualNode(canary, primary: true, label: label, value: value),
                     virtualNode(canary, primary: false, label: label, value: value)]
        if legacy {
            return AppMeshLegacy.objects(canary, routes: routes, headers: headers, gateway: gatewayAnnotations(canary))
        }
        let apexRoutes = self.routes(canary, routes, headers: headers)
        let canaryRoutes = [route(canary, name: canary.apexName + "-canary", headers: [], Routes(primary: 0, canary: 100),
                                  onlyCanary: true)]
        return .success(nodes + [
            virtualRouter(canary, name: canary.apexName, routes: apexRoutes),
            virtualService(canary, name: canary.apexName, gateway: true),
            virtualRouter(canary, name: canary.apexName + "-canary", routes: canaryRoutes),
            virtualService(canary, name: canary.apexName + "-canary", gateway: false),
        ])
    }

    var apiVersion: String { legacy ? "appmesh.k8s.aws/v1beta1" : "appmesh.k8s.aws/v1beta2" }

    var protocolName: (Canary) -> String {
        { $0.servicePortName.contains("grpc") ? "grpc" : "http" }
    }

    /// The listener port: a numeric targetPort, else the service port.
    func listenerPort(_ canary: Canary) -> Int64 {
        if case .int(let p) = canary.serviceTargetPort { return Int64(p) }
        return Int64(canary.servicePort)
    }

    func virtualNode(_ canary: Canary, primary: Bool, label: String, value: String) -> JSONValue {
        let name = primary ? canary.primaryServiceName : canary.canaryServiceName
        let host = "\(name).\(canary.namespace).svc.cluster.local"
        let portMapping: JSONValue = ["port": .int(listenerPort(canary)), "protocol": .string(protocolName(canary))]
        var spec: JSONValue
        let value = value + (primary ? "-primary" : "")
        var listener: JSONValue = ["portMapping": portMapping]
        if let t = canary.spec.service.timeout, let ms = Self.milliseconds(t) {
            listener["timeout"] = [protocolName(canary): ["perRequest": ["unit": "ms", "value": .int(ms)]]]
        }
        spec = ["listeners": [listener],
                "serviceDiscovery": ["dns": ["hostname": .string(host + ".")]],
                "podSelector": ["matchLabels": .object(JSONObject([(label, .string(value))]))]]
        let backends = (canary.spec.service.backends ?? []).map { b -> JSONValue in
            if b.hasPrefix("arn:aws") { return ["virtualService": ["virtualServiceARN": .string(b)]] }
            let parts = b.split(separator: ".").map(String.init)
            var ref: JSONValue = ["name": .string(parts.first ?? b)]
            if parts.count > 1 { ref["namespace"] = .string(parts[1]) }
            return ["virtualService": ["virtualServiceRef": ref]]
        }
        if !backends.isEmpty { spec["backends"] = .array(backends) }
        return ["apiVersion": .string(apiVersion), "kind": "VirtualNode",
                "metadata": ProviderSupport.metadata(canary, name: name), "spec": spec]
    }

    /// The apex routes: one weighted route, or the A/B pair `<apex>-a` (headers) and `<apex>-b` (primary).
    func routes(_ canary: Canary, _ routes: Routes, headers: [JSONValue]) -> [JSONValue] {
        guard !headers.isEmpty else { return [route(canary, name: canary.apexName, headers: [], routes)] }
        return [route(canary, name: canary.apexName + "-a", headers: headers, routes),
                route(canary, name: canary.apexName + "-b", headers: [], Routes(primary: 100, canary: 0))]
    }

    func route(_ canary: Canary, name: String, headers: [JSONValue], _ routes: Routes, onlyCanary: Bool = false) -> JSONValue {
        let nodeKey = legacy ? "virtualNodeName" : "virtualNodeRef"
        func target(_ node: String, _ weight: Int) -> JSONValue {
            [nodeKey: legacy ? .string(node) : ["name": .string(node)], "weight": .int(Int64(weight))]
        }
        var targets = [target(canary.canaryServiceName, routes.canary)]
        if !onlyCanary { targets.append(target(canary.primaryServiceName, routes.primary)) }
        var match: JSONValue = ["prefix": .string(ProviderSupport.prefix(canary))]
        if !headers.isEmpty { match["headers"] = .array(headers) }
        var http: JSONValue = ["match": match, "action": ["weightedTargets": .array(targets)]]
        let service = canary.spec.service
        if !legacy, let t = service.timeout, let ms = Self.milliseconds(t) {
            http["timeout"] = ["perRequest": ["unit": "ms", "value": .int(ms)]]
        }
        if !legacy, let r = service.retries {
            // Defaults as Flagger: one retry, 250ms per try, on gateway errors.
            let attempts = r["attempts"]?.intValue ?? 0
            var policy: JSONValue = ["maxRetries": .int(attempts > 0 ? attempts : 1),
                                     "perRetryTimeout": ["unit": "ms", "value": .int(Self.milliseconds(r["perTryTimeout"]?.stringValue ?? "") ?? 250)]]
            let on = (r["retryOn"]?.stringValue ?? "").split(separator: ",").map { $0.trimmingWhitespace }
            let httpEvents = on.filter { ["server-error", "gateway-error", "client-error", "stream-error"].contains($0) }
            let tcpEvents = on.filter { $0 == "connection-error" }
            // connection-error is a TCP event in the v1beta2 schema (httpRetryEvents is an enum without it).
            policy["httpRetryEvents"] = .array((httpEvents.isEmpty ? ["gateway-error"] : httpEvents).map(JSONValue.string))
            if !tcpEvents.isEmpty { policy["tcpRetryEvents"] = .array(tcpEvents.map(JSONValue.string)) }
            http["retryPolicy"] = policy
        }
        return legacy ? ["name": .string(name), "http": http] : ["name": .string(name), "httpRoute": http]
    }

    /// `15s`, `500ms`, `1m` → milliseconds.
    static func milliseconds(_ duration: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where duration.hasSuffix(suffix) {
            if let n = Int64(duration.dropLast(suffix.count)) { return n * factor }
        }
        return nil
    }

    func virtualRouter(_ canary: Canary, name: String, routes: [JSONValue]) -> JSONValue {
        ["apiVersion": .string(apiVersion), "kind": "VirtualRouter",
         "metadata": ProviderSupport.metadata(canary, name: name),
         "spec": ["listeners": [["portMapping": ["port": .int(listenerPort(canary)), "protocol": .string(protocolName(canary))]]],
                  "routes": .array(routes)]]
    }

    func gatewayAnnotations(_ canary: Canary) -> [String: String] {
        let service = canary.spec.service
        guard let hosts = service.hosts, !hosts.isEmpty else { return [:] }
        var a = ["gateway.appmesh.k8s.aws/expose": "true", "gateway.appmesh.k8s.aws/domain": hosts.joined(separator: ",")]
        if let t = service.timeout, !t.isEmpty { a["gateway.appmesh.k8s.aws/timeout"] = t }
        if let n = service.retries?["attempts"]?.intValue { a["gateway.appmesh.k8s.aws/retries"] = String(n) }
        return a
    }

    func virtualService(_ canary: Canary, name: String, gateway: Bool) -> JSONValue {
        ["apiVersion": .string(apiVersion), "kind": "VirtualService",
         "metadata": ProviderSupport.metadata(canary, name: name, extraAnnotations: gateway ? gatewayAnnotations(canary) : [:]),
         "spec": ["provider": ["virtualRouter": ["virtualRouterRef": ["name": .string(name)]]]]]
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        let canary = ctx.canary
        let route: JSONValue?
        if legacy {
            route = observed("VirtualService", "\(canary.apexName).\(canary.namespace)")?["spec", "routes"]?.arrayValue?.first?["http"]
        } else {
            route = observed("VirtualRouter", canary.apexName)?["spec", "routes"]?.arrayValue?.first?["httpRoute"]
        }
        guard let targets = route?["action", "weightedTargets"]?.arrayValue, targets.count == 2 else { return nil }
        let canaryName = canary.canaryServiceName
        guard let (p, c) = ProviderSupport.weights(targets, canaryName: canaryName,
                                                   name: { $0["virtualNodeName"]?.stringValue ?? $0["virtualNodeRef", "name"]?.stringValue },
                                                   weight: { ProviderSupport.int($0["weight"]) }) else { return nil }
        return Routes(primary: p, canary: c)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
