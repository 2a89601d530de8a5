import Resources

/// The objects a canary's plan reads, so the Reconciler can fetch exactly these (and skip the canary when one of
/// them cannot be read, rather than plan from a partial view).
public enum PlanDependencies {
    /// The references to observe for a canary. Pass the observed target (when already read) to include the
    /// ConfigMaps/Secrets it references and their `-primary` copies.
    public static func refs(of canary: Canary, target: JSONValue?, settings: PlannerSettings = PlannerSettings())
        -> [ObjectRef] {
        let ns = canary.namespace
        var refs: [ObjectRef] = []
        let kind = canary.targetKind
        let apps = canary.spec.targetRef.apiVersion ?? (kind == "Service" ? "v1" : "apps/v1")
        refs.append(ObjectRef(apiVersion: apps, kind: kind, namespace: ns, name: canary.targetName))
        if kind == "Service" {
            refs.append(ObjectRef(apiVersion: "v1", kind: "Service", namespace: ns, name: canary.primaryServiceName))
            refs.append(ObjectRef(apiVersion: "v1", kind: "Service", namespace: ns, name: canary.canaryServiceName))
        } else {
            refs.append(ObjectRef(apiVersion: apps, kind: kind, namespace: ns, name: canary.primaryName))
            for name in [canary.apexName, canary.primaryServiceName, canary.canaryServiceName] {
                refs.append(ObjectRef(apiVersion: "v1", kind: "Service", namespace: ns, name: name))
            }
        }
        if let a = canary.spec.autoscalerRef, let k = a.kind {
            let v = a.apiVersion ?? (k == "ScaledObject" ? "keda.sh/v1alpha1" : "autoscaling/v2")
            refs.append(ObjectRef(apiVersion: v, kind: k, namespace: ns, name: a.name))
            refs.append(ObjectRef(apiVersion: v, kind: k, namespace: ns, name: a.name + "-primary"))
        }
        if settings.configTracking, let target {
            for r in ConfigTracking.references(in: WorkloadView(target).podSpec) {
                refs.append(ObjectRef(apiVersion: "v1", kind: r.kind, namespace: ns, name: r.name))
                refs.append(ObjectRef(apiVersion: "v1", kind: r.kind, namespace: ns, name: r.name + "-primary"))
            }
        }
        let provider = canary.provider(default: settings.meshProvider)
        if provider.hasPrefix("gatewayapi:") {
            let version = provider.hasPrefix("gatewayapi:v1beta1") ? "v1beta1" : "v1"
            refs.append(ObjectRef(apiVersion: "gateway.networking.k8s.io/" + version, kind: "HTTPRoute", namespace: ns,
                                  name: canary.apexName))
        } else if RouterFactory.router(for: provider) is IstioRouter {
            refs.append(ObjectRef(apiVersion: IstioRouter.apiVersion, kind: "VirtualService", namespace: ns, name: canary.apexName))
            for name in [canary.primaryServiceName, canary.canaryServiceName] {
                refs.append(ObjectRef(apiVersion: IstioRouter.apiVersion, kind: "DestinationRule", namespace: ns, name: name))
            }
        }
        return refs
    }
}
