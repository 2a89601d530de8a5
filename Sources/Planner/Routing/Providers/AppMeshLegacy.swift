import Resources

/// The legacy App Mesh API (appmesh.k8s.aws/v1beta1, provider `appmesh`): VirtualNodes `<apex>`,
/// `<apex>-primary`, `<apex>-canary` (DNS `<service>.<ns>`, the apex node resolving to the primary), and
/// VirtualServices named by their DNS name — `<apex>.<ns>` (router `<apex>`, the weights) and
/// `<apex>-canary.<ns>` (router `<apex>-canary`, all traffic to the canary) — each embedding its router.
/// `service.meshName` is required. No published CRD schema exists for this API.
enum AppMeshLegacy {
    static let apiVersion = "appmesh.k8s.aws/v1beta1"

    static func objects(_ canary: Canary, routes: Routes, headers: [JSONValue], gateway: [String: String])
        -> Result<[JSONValue], PlanBlock> {
        guard let mesh = canary.spec.service.meshName, !mesh.isEmpty else {
            return .failure(PlanBlock("canary \(canary.name).\(canary.namespace): the appmesh provider needs "
                + "spec.service.meshName (the App Mesh mesh name)"))
        }
        let ns = canary.namespace
        let primaryHost = "\(canary.primaryServiceName).\(ns)"
        let nodes = [node(canary, mesh: mesh, name: canary.apexName, host: primaryHost),
                     node(canary, mesh: mesh, name: canary.primaryServiceName, host: primaryHost),
                     node(canary, mesh: mesh, name: canary.canaryServiceName, host: "\(canary.canaryServiceName).\(ns)")]
        let apexRoutes: [JSONValue] = headers.isEmpty
            ? [route(canary, name: canary.apexName, headers: [], priority: nil, routes)]
            : [route(canary, name: canary.apexName + "-a", headers: headers, priority: 10, routes),
               route(canary, name: canary.apexName + "-b", headers: [], priority: 20, Routes(primary: 100, canary: 0),
                     primaryOnly: true)]
        let canaryRouter = canary.apexName + "-canary"
        return .success(nodes + [
            service(canary, mesh: mesh, name: "\(canary.apexName).\(ns)", router: canary.apexName, routes: apexRoutes,
                    annotations: gateway),
            service(canary, mesh: mesh, name: "\(canaryRouter).\(ns)", router: canaryRouter,
                    routes: [route(canary, name: canaryRouter, headers: [], priority: nil, Routes(primary: 0, canary: 100))],
                    annotations: [:]),
        ])
    }

    static func portMapping(_ canary: Canary) -> JSONValue {
        ["port": .int(Int64(canary.servicePort)),
         "protocol": .string(canary.servicePortName.contains("grpc") ? "grpc" : "http")]
    }

    static func node(_ canary: Canary, mesh: String, name: String, host: String) -> JSONValue {
        var spec: JSONValue = ["meshName": .string(mesh), "listeners": [["portMapping": portMapping(canary)]],
                               "serviceDiscovery": ["dns": ["hostName": .string(host)]]]
        let backends = (canary.spec.service.backends ?? []).map { b -> JSONValue in ["virtualService": ["virtualServiceName": .string(b)]] }
        if !backends.isEmpty { spec["backends"] = .array(backends) }
        return ["apiVersion": .string(apiVersion), "kind": "VirtualNode",
                "metadata": ProviderSupport.metadata(canary, name: name), "spec": spec]
    }

    static func route(_ canary: Canary, name: String, headers: [JSONValue], priority: Int?, _ routes: Routes,
                      primaryOnly: Bool = false) -> JSONValue {
        var targets: [JSONValue] = []
        if !primaryOnly { targets.append(["virtualNodeName": .string(canary.canaryServiceName), "weight": .int(Int64(routes.canary))]) }
        targets.append(["virtualNodeName": .string(canary.primaryServiceName), "weight": .int(Int64(routes.primary))])
        var match: JSONValue = ["prefix": .string(ProviderSupport.prefix(canary))]
        if !headers.isEmpty { match["headers"] = .array(headers) }
        var http: JSONValue = ["match": match, "action": ["weightedTargets": .array(targets)]]
        if let r = canary.spec.service.retries {
            let attempts = r["attempts"]?.intValue ?? 0
            let on = (r["retryOn"]?.stringValue ?? "").split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
            http["retryPolicy"] = [
                "perRetryTimeoutMillis": .int(AppMeshRouter.milliseconds(r["perTryTimeout"]?.stringValue ?? "") ?? 250),
                "maxRetries": .int(attempts > 0 ? attempts : 1),
                "httpRetryPolicyEvents": .array((on.isEmpty ? ["gateway-error"] : on).map(JSONValue.string)),
            ]
        }
        var r: JSONValue = ["name": .string(name), "http": http]
        if let priority { r["priority"] = .int(Int64(priority)) }
        return r
    }

    static func service(_ canary: Canary, mesh: String, name: String, router: String, routes: [JSONValue],
                        annotations: [String: String]) -> JSONValue {
        ["apiVersion": .string(apiVersion), "kind": "VirtualService",
         "metadata": ProviderSupport.metadata(canary, name: name, extraAnnotations: annotations),
         "spec": ["meshName": .string(mesh),
                  "virtualRouter": ["name": .string(router), "listeners": [["portMapping": portMapping(canary)]]],
                  "routes": .array(routes)]]
    }
}
