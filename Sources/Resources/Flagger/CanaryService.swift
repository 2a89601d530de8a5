/// `Canary.spec.service`: the generated services and the routing options routers read (flagger-behaviour.md §1.2).
///
/// Router-specific structures that are copied through (match, retries, headers, CORS, trafficPolicy, gatewayRefs...)
/// are kept as ``JSONValue`` so that every field the user wrote reaches the generated objects unchanged.
public struct CanaryService: Sendable, Hashable, Codable {
    /// Apex service name; default the target's name.
    public var name: String?
    /// ClusterIP port of the apex, primary and canary services (required).
    public var port: Int?
    /// Port name; default `http`.
    public var portName: String?
    /// Container port; default `port`.
    public var targetPort: IntOrString?
    /// `appProtocol` of port 0; `tcp` switches Istio to TCP routes.
    public var appProtocol: String?
    /// `Service.spec.trafficDistribution`.
    public var trafficDistribution: String?
    /// Add the target's other container ports to the generated services.
    public var portDiscovery: Bool?
    /// Generated services get `clusterIP: None`.
    public var headless: Bool?
    /// Request timeout.
    public var timeout: String?
    /// Gateway API `timeouts.backendRequest`.
    public var backendTimeout: String?
    /// Istio gateways; default `["mesh"]`.
    public var gateways: [String]?
    /// Gateway API parentRefs.
    public var gatewayRefs: [JSONValue]?
    /// Hosts (Istio VirtualService hosts, Gateway API hostnames, ...).
    public var hosts: [String]?
    /// Istio delegate VirtualService.
    public var delegation: Bool?
    /// Istio DestinationRule traffic policy.
    public var trafficPolicy: JSONValue?
    /// Base match of every generated route.
    public var match: [JSONValue]?
    /// URI rewrite.
    public var rewrite: JSONValue?
    /// Retry policy.
    public var retries: JSONValue?
    /// Header manipulation.
    public var headers: JSONValue?
    /// Gateway API static mirror filters.
    public var mirror: [JSONValue]?
    /// CORS policy.
    public var corsPolicy: JSONValue?
    /// App Mesh mesh name.
    public var meshName: String?
    /// App Mesh backends.
    public var backends: [String]?
    /// Extra metadata of the apex service (and mesh object).
    public var apex: CustomMetadata?
    /// Extra metadata of the primary service.
    public var primary: CustomMetadata?
    /// Extra metadata of the canary service.
    public var canary: CustomMetadata?
    /// Keys on generated services the engine must preserve as found.
    public var unmanagedMetadata: UnmanagedMetadata?

    /// Creates a service spec.
    public init(port: Int? = nil, name: String? = nil) {
        self.port = port
        self.name = name
    }
}

/// Labels and annotations added to a generated object.
public struct CustomMetadata: Sendable, Hashable, Codable {
    /// Labels.
    public var labels: [String: String]?
    /// Annotations.
    public var annotations: [String: String]?
    /// Creates metadata.
    public init(labels: [String: String]? = nil, annotations: [String: String]? = nil) {
        self.labels = labels
        self.annotations = annotations
    }
}

/// `service.unmanagedMetadata`: keys to preserve on generated services.
public struct UnmanagedMetadata: Sendable, Hashable, Codable {
    /// Annotation keys.
    public var annotations: [String]?
    /// Label keys.
    public var labels: [String]?
}
