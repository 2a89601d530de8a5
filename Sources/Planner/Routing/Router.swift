import Resources

/// The traffic split a router renders: integer weights that sum to 100, and whether the canary gets a mirror.
public struct Routes: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Primary weight.
    public var primary: Int
    /// Canary weight.
    public var canary: Int
    /// Traffic mirrored to the canary.
    public var mirrored: Bool
    /// Creates routes.
    public init(primary: Int, canary: Int, mirrored: Bool = false) {
        self.primary = primary
        self.canary = canary
        self.mirrored = mirrored
    }
    /// `primary/canary` (with `+mirror`).
    public var description: String { "\(primary)/\(canary)" + (mirrored ? " mirrored" : "") }
}

/// A router: renders the routing objects of a canary for a traffic split. Reconcile and SetRoutes of Flagger are
/// one operation here, because the desired objects are applied whole (server-side apply) and the split always
/// comes from the status, never from the cluster.
public protocol Router: Sendable {
    /// The desired routing objects for these routes.
    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock>
    /// The routes the observed objects carry, for reports (never used to decide the next step).
    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes?
    /// Writes that undo the routing when a canary with `revertOnDeletion` is deleted.
    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite]
}

/// What a router needs to render objects.
public struct RouteContext: Sendable {
    /// The Canary (spec as declared; status holds the session-affinity cookies).
    public var canary: Canary
    /// The cookies in force after this step's transition.
    public var cookies: SessionCookies
    /// Controller settings (ingress annotation prefix, ingress class, ...).
    public var settings: PlannerSettings
    /// The observed objects, for routers that copy or adopt existing objects (ingresses, upstreams, ...).
    public var observed: [ObjectRef: JSONValue] { didSet { index = ObservedIndex(observed) } }
    private var index: ObservedIndex
    /// Creates a context.
    public init(canary: Canary, cookies: SessionCookies, settings: PlannerSettings = PlannerSettings(),
                observed: [ObjectRef: JSONValue] = [:]) {
        self.canary = canary
        self.cookies = cookies
        self.settings = settings
        self.observed = observed
        self.index = ObservedIndex(observed)
    }
    /// A context over a plan input's observed objects, reusing its index.
    init(canary: Canary, cookies: SessionCookies, settings: PlannerSettings, input: PlanInput) {
        self.canary = canary
        self.cookies = cookies
        self.settings = settings
        self.observed = input.observed
        self.index = input.index
    }
    /// The observed object of a kind and name in the canary's namespace.
    public func object(kind: String, name: String) -> JSONValue? {
        index.object(kind: kind, namespace: canary.namespace, name: name)
    }
}

/// The no-op router of the `kubernetes` provider: no routing objects.
struct NoopRouter: Router {
    func desiredObjects(_ ctx: RouteContext, routes: Routes) -> Result<[JSONValue], PlanBlock> { .success([]) }
    func observedRoutes(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> Routes? { nil }
    func finalize(_ ctx: RouteContext, observed: (String, String) -> JSONValue?) -> [PlannedWrite] { [] }
}

/// Chooses the router of a provider (flagger-behaviour.md §6).
public enum RouterFactory {
    /// The router for a provider string; `nil` for providers another issue implements.
    public static func router(for provider: String) -> (any Router)? {
        if provider == "kubernetes" { return NoopRouter() }
        if provider.hasPrefix("gatewayapi:v1beta1") { return GatewayAPIRouter(version: "v1beta1") }
        if provider.hasPrefix("gatewayapi:v1") { return GatewayAPIRouter(version: "v1") }
        if let provider = ProviderRouters.router(for: provider) { return provider }
        let others = ["linkerd", "osm", "smi:", "appmesh", "contour", "gloo", "nginx", "skipper", "traefik", "apisix",
                      "kuma", "knative"]
        if others.contains(where: { provider.hasPrefix($0) }) { return nil }
        return IstioRouter()
    }
}
