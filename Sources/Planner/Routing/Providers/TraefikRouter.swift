import Resources

/// Traefik: a TraefikService `<apex>` with weighted round robin over the primary and canary services; the canary
/// entry is left out at weight 0 (flagger-behaviour.md §6.9). No A/B, no mirroring.
struct TraefikRouter: Router {
    static let apiVersion = "traefik.io/v1alpha1"

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "traefik") { return .failure(b) }
        if ProviderSupport.isAB(canary) {
            return .failure(PlanBlock("TraefikService \(canary.apexName).\(canary.namespace): A/B testing "
                + "(spec.analysis.match) is not supported by the traefik provider"))
        }
        func service(_ name: String, _ weight: Int) -> JSONValue {
            ["name": .string(name), "port": .int(Int64(canary.servicePort)), "weight": .int(Int64(weight))]
        }
        var services = [service(canary.primaryServiceName, routes.primary)]
        if routes.canary > 0 { services.append(service(canary.canaryServiceName, routes.canary)) }
        return .success([["apiVersion": .string(Self.apiVersion), "kind": "TraefikService",
                          "metadata": ProviderSupport.metadata(canary, name: canary.apexName),
                          "spec": ["weighted": ["services": .array(services)]]]])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let ts = observed("TraefikService", ctx.canary.apexName),
              let primary = ts["spec", "weighted", "services"]?.arrayValue?.first(where: {
                  $0["name"]?.stringValue == ctx.canary.primaryServiceName }) else { return nil }
        let p = Int(primary["weight"]?.intValue ?? 0)
        return Routes(primary: p, canary: 100 - p)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
