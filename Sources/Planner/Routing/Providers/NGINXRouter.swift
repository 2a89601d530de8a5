import Resources

/// NGINX ingress: a canary Ingress `<ingress>-canary` carrying the canary annotations under the configured prefix
/// (`nginx.ingress.kubernetes.io` by default; flagger-behaviour.md §6.5). A/B by header or cookie; no mirroring.
struct NGINXRouter: RouterDependencies {
    func dependencies(of canary: Canary, settings: PlannerSettings) -> [ObjectRef] {
        guard let ref = IngressSupport.ref(canary) else { return [] }
        return [ref, ObjectRef(apiVersion: ref.apiVersion, kind: "Ingress", namespace: ref.namespace, name: ref.name + "-canary")]
    }

    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "nginx") { return .failure(b) }
        let source: JSONValue
        switch IngressSupport.source(ctx, provider: "nginx") {
        case .success(let s): source = s
        case .failure(let e): return .failure(e)
        }
        let prefix = ctx.settings.ingressAnnotationsPrefix
        var annotations = JSONValue.stringMap(source["metadata", "annotations"]).filter {
            !$0.key.contains(prefix + "/canary") && $0.key != IngressSupport.lastApplied
        }
        annotations.merge(GeneratedMetadata.fluxAnnotations) { _, b in b }
        annotations[prefix + "/canary"] = "true"
        if routes.canary > 0 && ProviderSupport.isAB(canary) {
            // As Flagger leaves it: the weight stays "0", the header/cookie rules select the canary.
            annotations[prefix + "/canary-weight"] = "0"
            for (key, match) in ProviderSupport.abHeaders(canary) {
                if key == "cookie" {
                    annotations[prefix + "/canary-by-cookie"] = match["exact"]?.stringValue ?? ""
                    continue
                }
                annotations[prefix + "/canary-by-header"] = key
                annotations[prefix + "/canary-by-header-value"] = nil
                annotations[prefix + "/canary-by-header-pattern"] = nil
                if let exact = match["exact"]?.stringValue {
                    annotations[prefix + "/canary-by-header-value"] = exact
                } else if let regex = match["regex"]?.stringValue {
                    annotations[prefix + "/canary-by-header-pattern"] = regex
                }
            }
        } else {
            annotations[prefix + "/canary-weight"] = String(routes.canary)
        }
        let name = (canary.spec.ingressRef?.name ?? canary.apexName) + "-canary"
        let spec = IngressSupport.spec(source) { path in
            guard path["backend", "service", "name"]?.stringValue == canary.apexName else { return [path] }
            var p = path
            p.set(.string(canary.canaryServiceName), at: ["backend", "service", "name"])
            return [p]
        }
        let ingress: JSONValue = [
            "apiVersion": .string(IngressSupport.apiVersion), "kind": "Ingress",
            "metadata": GeneratedMetadata.metadata(name: name, namespace: canary.namespace,
                                                   labels: JSONValue.stringMap(source["metadata", "labels"]),
                                                   annotations: annotations, owner: canary),
            "spec": spec,
        ]
        return .success([ingress])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        let name = (ctx.canary.spec.ingressRef?.name ?? ctx.canary.apexName) + "-canary"
        guard let ingress = observed("Ingress", name) else { return nil }
        let prefix = ctx.settings.ingressAnnotationsPrefix
        let a = JSONValue.stringMap(ingress["metadata", "annotations"])
        if a[prefix + "/canary-by-cookie"] != nil || a[prefix + "/canary-by-header"] != nil {
            return Routes(primary: 0, canary: 100)
        }
        let c = Int(a[prefix + "/canary-weight"] ?? "0") ?? 0
        return Routes(primary: 100 - c, canary: c)
    }

    /// The canary Ingress is owned by the Canary and goes with it; the user's Ingress was never changed.
    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}
