import Resources

/// The routers of the providers beyond Kubernetes, Istio and the Gateway API (flagger-behaviour.md §6.4–6.9).
enum ProviderRouters {
    /// The router of a provider string, or `nil` when it is not one of these providers.
    static func router(for provider: String) -> (any Router)? {
        if let smi = SMIRouter.parse(provider) { return smi }
        if provider == "nginx" { return NGINXRouter() }
        if provider == "contour" { return ContourRouter() }
        if provider == "appmesh" { return AppMeshRouter(legacy: true) }
        if provider.hasPrefix("appmesh:v1beta2") { return AppMeshRouter(legacy: false) }
        if provider.hasPrefix("gloo") { return GlooRouter() }
        if provider == "traefik" { return TraefikRouter() }
        if provider == "kuma" { return KumaRouter() }
        if provider == "apisix" { return APISIXRouter() }
        if provider == "skipper" { return SkipperRouter() }
        if provider == "knative" { return KnativeRouter() }
        return nil
    }

    /// The objects the provider's router reads for a canary: the routing objects it renders (for reports) and
    /// the user's objects it copies.
    static func dependencies(of canary: Canary, provider: String, settings: PlannerSettings) -> [ObjectRef] {
        guard let router = router(for: provider) as? any RouterDependencies else { return [] }
        return router.dependencies(of: canary, settings: settings)
    }
}
