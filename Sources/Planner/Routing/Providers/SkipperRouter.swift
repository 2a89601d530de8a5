import Resources

/// Skipper: a canary Ingress `<ingress>-canary` whose apex-service paths are duplicated into primary and canary
/// backends, weighted by `zalando.org/backend-weights`; `zalando.org/skipper-predicate` gets `Weight(100)`, or
/// `False()` at canary weight 0 so the copy never shadows the user's route (flagger-behaviour.md §6.9).
/// No A/B, no mirroring.
struct SkipperRouter: RouterDependencies {
    static let weights = "zalando.org/backend-weights"
    static let predicate = "zalando.org/skipper-predicate"

    func dependencies(of canary: Canary, settings: PlannerSettings) -> [ObjectRef] {
        guard let ref = IngressSupport.ref(canary) else { return [] }
        return [ref, ObjectRef(apiVersion: ref.apiVersion, kind: "Ingress", namespace: ref.namespace, name: ref.name + "-canary")]
    }

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "skipper") { return .failure(b) }
        if ProviderSupport.isAB(canary) {
            return .failure(PlanBlock("canary \(canary.name).\(canary.namespace): A/B testing (spec.analysis.match) is "
                + "not supported by the skipper provider"))
        }
        let source: JSONValue
        switch IngressSupport.source(ctx, provider: "skipper") {
        case .success(let s): source = s
        case .failure(let e): return .failure(e)
        }
        var annotations = JSONValue.stringMap(source["metadata", "annotations"]).filter { $0.key != IngressSupport.lastApplied }
        annotations.merge(GeneratedMetadata.fluxAnnotations) { _, b in b }
        annotations[Self.weights] = JSONWriter.string(
            .object(JSONObject([(canary.primaryServiceName, .int(Int64(routes.primary))),
                                (canary.canaryServiceName, .int(Int64(routes.canary)))])),
            options: JSONWriter.Options(sortedKeys: true, pretty: false))
        annotations[Self.predicate] = Self.insert(routes.canary == 0 ? "False()" : "Weight(100)",
                                                  into: annotations[Self.predicate] ?? "")
        let spec = IngressSupport.spec(source) { path in
            guard path["backend", "service", "name"]?.stringValue == canary.apexName else { return [path] }
            var primary = path, canaryPath = path
            primary.set(.string(canary.primaryServiceName), at: ["backend", "service", "name"])
            canaryPath.set(.string(canary.canaryServiceName), at: ["backend", "service", "name"])
            return [primary, canaryPath]
        }
        let name = (canary.spec.ingressRef?.name ?? canary.apexName) + "-canary"
        return .success([["apiVersion": .string(IngressSupport.apiVersion), "kind": "Ingress",
                          "metadata": GeneratedMetadata.metadata(name: name, namespace: canary.namespace,
                                                                 labels: JSONValue.stringMap(source["metadata", "labels"]),
                                                                 annotations: annotations, owner: canary),
                          "spec": spec]])
    }

    /// The routing predicate first, then the user's predicates without an earlier `Weight(100)` / `False()`.
    static func insert(_ predicate: String, into raw: String) -> String {
        let others = raw.split(separator: "&&").map { $0.trimmingWhitespace }
            .filter { !$0.isEmpty && $0 != "Weight(100)" && $0 != "False()" }
        return ([predicate] + others).joined(separator: " && ")
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        let name = (ctx.canary.spec.ingressRef?.name ?? ctx.canary.apexName) + "-canary"
        guard let text = JSONValue.stringMap(observed("Ingress", name)?["metadata", "annotations"])[Self.weights],
              let map = try? JSONParser.parse(Array(text.utf8)),
              let p = ProviderSupport.int(map[ctx.canary.primaryServiceName]),
              let c = ProviderSupport.int(map[ctx.canary.canaryServiceName]) else { return nil }
        return Routes(primary: p, canary: c)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
