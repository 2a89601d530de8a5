import Resources

/// A router whose routing objects reference objects the user owns (an Ingress, an ApisixRoute, an Upstream):
/// the Reconciler must read them so the plan can copy them.
protocol RouterDependencies: Router {
    /// The objects this router reads for a canary, besides the Canary's own services.
    func dependencies(of canary: Canary, settings: PlannerSettings) -> [ObjectRef]
}

/// A router whose objects must exist before the primary workload is created (App Mesh: the sidecar injector
/// needs the VirtualNode of the primary pods when they start, flagger-behaviour.md §6.8).
protocol RoutesBeforePrimary: Router {}

/// Helpers shared by the provider routers.
enum ProviderSupport {
    /// Metadata of a generated routing object: apex custom metadata, the Flux annotations, the Canary as owner.
    static func metadata(_ canary: Canary, name: String, extraAnnotations: [String: String] = [:],
                         namespaced: Bool = true) -> JSONValue {
        var annotations = canary.spec.service.apex?.annotations ?? [:]
        annotations.merge(GeneratedMetadata.fluxAnnotations) { a, _ in a }
        annotations.merge(extraAnnotations) { _, b in b }
        var meta = GeneratedMetadata.metadata(name: name, namespace: canary.namespace,
                                              labels: canary.spec.service.apex?.labels ?? [:],
                                              annotations: annotations, owner: namespaced ? canary : nil)
        if !namespaced { meta["namespace"] = nil }
        return meta
    }

    /// The refusal of a mirrored step by a provider that cannot mirror traffic.
    static func mirrorUnsupported(_ canary: Canary, provider: String) -> PlanBlock? {
        guard canary.effectiveAnalysis?.mirror == true else { return nil }
        return PlanBlock("canary \(canary.name).\(canary.namespace): traffic mirroring (spec.analysis.mirror) is not "
            + "supported by the \(provider) provider; remove analysis.mirror or use istio or gatewayapi")
    }

    /// The refusal of session affinity by a provider that cannot route on cookies.
    static func affinityUnsupported(_ canary: Canary, provider: String) -> PlanBlock? {
        guard canary.effectiveAnalysis?.sessionAffinity != nil else { return nil }
        return PlanBlock("canary \(canary.name).\(canary.namespace): session affinity (spec.analysis.sessionAffinity) "
            + "is not supported by the \(provider) provider; remove it or use istio or gatewayapi")
    }

    /// Both refusals, mirroring first.
    static func unsupported(_ canary: Canary, provider: String, mirror: Bool = false, affinity: Bool = false)
        -> PlanBlock? {
        if !mirror, let b = mirrorUnsupported(canary, provider: provider) { return b }
        if !affinity, let b = affinityUnsupported(canary, provider: provider) { return b }
        return nil
    }

    /// The A/B header matches of the analysis as (name, match) pairs, names sorted within each entry.
    static func abHeaders(_ canary: Canary) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        for m in canary.effectiveAnalysis?.match ?? [] {
            guard let headers = m["headers"]?.objectValue else { continue }
            for key in headers.keys.sorted() { out.append((key, headers[key] ?? .null)) }
        }
        return out
    }

    /// Whether the analysis routes on matches (A/B testing).
    static func isAB(_ canary: Canary) -> Bool { !(canary.effectiveAnalysis?.match ?? []).isEmpty }

    /// The URI prefix of the first service match, or "/".
    static func prefix(_ canary: Canary) -> String {
        canary.spec.service.match?.first?["uri", "prefix"]?.stringValue ?? "/"
    }

    /// `(primary, canary)` weights from a list of entries, matched by a name accessor.
    static func weights(_ entries: [JSONValue], canaryName: String, name: (JSONValue) -> String?,
                        weight: (JSONValue) -> Int?) -> (Int, Int)? {
        var p: Int?, c: Int?
        for e in entries {
            if name(e) == canaryName { c = weight(e) ?? 0 } else { p = weight(e) ?? 0 }
        }
        guard let p else { return nil }
        return (p, c ?? 0)
    }

    /// An integer from a JSON number or numeric string (SMI v1alpha1 quantities).
    static func int(_ v: JSONValue?) -> Int? {
        if let i = v?.intValue { return Int(i) }
        if let s = v?.stringValue { return Int(s) }
        if let d = v?.doubleValue { return Int(d) }
        return nil
    }

    /// The target's selector label and value (the first of the configured selector labels its selector uses),
    /// or `app: <target>` when the target has not been read.
    static func selector(_ ctx: RouteContext) -> (String, String) {
        let canary = ctx.canary
        let labels = JSONValue.stringMap(ctx.object(kind: canary.targetKind, name: canary.targetName)?["spec", "selector", "matchLabels"])
        for l in ctx.settings.selectorLabels { if let v = labels[l] { return (l, v) } }
        return ("app", canary.targetName)
    }
}
