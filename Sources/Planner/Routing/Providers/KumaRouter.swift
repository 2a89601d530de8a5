import Resources

/// Kuma: a TrafficRoute `<apex>` (kuma.io/v1alpha1, cluster-scoped, mesh `service.meshName` or `default`) splitting
/// `<apex>_<ns>_svc_<port>` between the primary and canary services (flagger-behaviour.md §6.9). Being
/// cluster-scoped it carries no owner reference (a namespaced owner is invalid there). No A/B, no mirroring.
struct KumaRouter: Router {
    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "kuma") { return .failure(b) }
        if ProviderSupport.isAB(canary) {
            return .failure(PlanBlock("TrafficRoute \(canary.apexName): A/B testing (spec.analysis.match) is not "
                + "supported by the kuma provider"))
        }
        func svc(_ name: String) -> JSONValue { ["kuma.io/service": .string("\(name)_\(canary.namespace)_svc_\(canary.servicePort)")] }
        let route: JSONValue = [
            "apiVersion": "kuma.io/v1alpha1", "kind": "TrafficRoute",
            "mesh": .string(canary.spec.service.meshName ?? "default"),
            "metadata": ProviderSupport.metadata(canary, name: canary.apexName, namespaced: false),
            "spec": [
                "sources": [["match": ["kuma.io/service": "*"]]],
                "destinations": [["match": svc(canary.apexName)]],
                "conf": ["split": [
                    ["weight": .int(Int64(routes.primary)), "destination": svc(canary.primaryServiceName)],
                    ["weight": .int(Int64(routes.canary)), "destination": svc(canary.canaryServiceName)],
                ]],
            ],
        ]
        return .success([route])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        let canary = ctx.canary
        let canaryService = "\(canary.canaryServiceName)_\(canary.namespace)_svc_\(canary.servicePort)"
        guard let route = observed("TrafficRoute", canary.apexName),
              let (p, c) = ProviderSupport.weights(route["spec", "conf", "split"]?.arrayValue ?? [], canaryName: canaryService,
                                                   name: { $0["destination", "kuma.io/service"]?.stringValue },
                                                   weight: { ProviderSupport.int($0["weight"]) }) else { return nil }
        return Routes(primary: p, canary: c)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
