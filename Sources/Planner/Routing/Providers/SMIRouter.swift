import Resources

/// SMI: a TrafficSplit `<apex>` (split.smi-spec.io v1alpha1 for `linkerd`, v1alpha2 for `osm`, `smi:v1alphaN[:mesh]`;
/// flagger-behaviour.md §6.4). No mirroring, no A/B; finalize is a no-op (the TrafficSplit is owned by the Canary).
struct SMIRouter: Router {
    /// `v1alpha1`, `v1alpha2` or `v1alpha3`.
    var version: String
    /// The mesh named after the version (`smi:v1alpha3:istio`), if any.
    var mesh: String?

    /// The router of a provider string: `linkerd`, `osm`, `smi:v1alphaN[:mesh]`; `nil` for anything else.
    static func parse(_ provider: String) -> SMIRouter? {
        if provider == "linkerd" || provider.hasPrefix("linkerd:") { return SMIRouter(version: "v1alpha1", mesh: "linkerd") }
        if provider == "osm" || provider.hasPrefix("osm:") { return SMIRouter(version: "v1alpha2", mesh: "osm") }
        guard provider.hasPrefix("smi:") else { return nil }
        let parts = provider.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let version = parts.count > 1 ? parts[1] : ""
        guard ["v1alpha1", "v1alpha2", "v1alpha3"].contains(version) else { return nil }
        return SMIRouter(version: version, mesh: parts.count > 2 ? parts[2] : nil)
    }

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "SMI") { return .failure(b) }
        if ProviderSupport.isAB(canary) {
            return .failure(PlanBlock("TrafficSplit \(canary.apexName).\(canary.namespace): A/B testing "
                + "(spec.analysis.match) is not supported by SMI; use iterations without match (Blue/Green)"))
        }
        var extra: [String: String] = [:]
        if mesh == "istio", let gateways = canary.spec.service.gateways, !gateways.isEmpty {
            extra["VirtualService.v1alpha3.networking.istio.io/spec.gateways"] =
                JSONWriter.string(.array(gateways.map(JSONValue.string)))
        }
        func weight(_ w: Int) -> JSONValue { version == "v1alpha1" ? .string(String(w)) : .int(Int64(w)) }
        let split: JSONValue = [
            "apiVersion": .string("split.smi-spec.io/" + version), "kind": "TrafficSplit",
            "metadata": ProviderSupport.metadata(canary, name: canary.apexName, extraAnnotations: extra),
            "spec": [
                "service": .string(canary.spec.service.hosts?.first ?? canary.apexName),
                "backends": [
                    ["service": .string(canary.canaryServiceName), "weight": weight(routes.canary)],
                    ["service": .string(canary.primaryServiceName), "weight": weight(routes.primary)],
                ],
            ],
        ]
        return .success([split])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let split = observed("TrafficSplit", ctx.canary.apexName),
              let (p, c) = ProviderSupport.weights(split["spec", "backends"]?.arrayValue ?? [],
                                                   canaryName: ctx.canary.canaryServiceName,
                                                   name: { $0["service"]?.stringValue },
                                                   weight: { ProviderSupport.int($0["weight"]) }) else { return nil }
        return Routes(primary: p, canary: c)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
