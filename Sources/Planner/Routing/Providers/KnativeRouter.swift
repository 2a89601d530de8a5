import Resources

/// Knative: traffic on the target Knative Service itself — `[{latestRevision: true, percent: C},
/// {revisionName: <primary revision>, percent: P}]` — and the `flagger.app/primary-revision` annotation
/// (flagger-behaviour.md §6.9, §5.1). The rendered object carries only these fields: server-side apply leaves the
/// user's template alone. No A/B, no mirroring; finalize removes the annotation and sends all traffic to the latest.
struct KnativeRouter: Router {
    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> {
        let canary = ctx.canary
        if let b = ProviderSupport.unsupported(canary, provider: "knative") { return .failure(b) }
        if ProviderSupport.isAB(canary) {
            return .failure(PlanBlock("canary \(canary.name).\(canary.namespace): A/B testing (spec.analysis.match) is "
                + "not supported by the knative provider"))
        }
        let service = ctx.object(kind: "Service", name: canary.targetName)
        guard let primary = KnativeTarget.primaryRevision(service) else {
            return .failure(PlanBlock("Knative Service \(canary.targetName).\(canary.namespace) has no created revision yet "
                + "(status.latestCreatedRevisionName is empty)"))
        }
        return .success([[
            "apiVersion": .string(canary.spec.targetRef.apiVersion ?? "serving.knative.dev/v1"), "kind": "Service",
            "metadata": ["name": .string(canary.targetName), "namespace": .string(canary.namespace),
                         "annotations": [KnativeTarget.primaryRevisionAnnotation: .string(primary)]],
            "spec": ["traffic": [
                ["latestRevision": true, "percent": .int(Int64(routes.canary))],
                ["latestRevision": false, "revisionName": .string(primary), "percent": .int(Int64(routes.primary))],
            ]],
        ]])
    }

    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? {
        guard let service = observed("Service", ctx.canary.targetName) else { return nil }
        let traffic = service["status", "traffic"]?.arrayValue ?? service["spec", "traffic"]?.arrayValue ?? []
        guard let latest = traffic.first(where: { $0["latestRevision"]?.boolValue == true }),
              let primary = traffic.first(where: { $0["latestRevision"]?.boolValue != true }) else { return nil }
        return Routes(primary: ProviderSupport.int(primary["percent"]) ?? 0, canary: ProviderSupport.int(latest["percent"]) ?? 0)
    }

    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] {
        let canary = ctx.canary
        guard observed("Service", canary.targetName) != nil else { return [] }
        let ref = ObjectRef(apiVersion: canary.spec.targetRef.apiVersion ?? "serving.knative.dev/v1", kind: "Service",
                            namespace: canary.namespace, name: canary.targetName)
        return [PlannedWrite(.patch(ref: ref, mergePatch: [
            "metadata": ["annotations": [KnativeTarget.primaryRevisionAnnotation: .null]],
            "spec": ["traffic": [["latestRevision": true, "percent": 100]]],
        ]), intent: .change, reason: "revertOnDeletion: the latest revision takes all traffic, the primary-revision annotation goes")]
    }
}
