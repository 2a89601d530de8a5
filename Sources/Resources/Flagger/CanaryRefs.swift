/// `spec.targetRef`, `spec.ingressRef`, `spec.routeRef`: a reference to an object in the Canary's namespace.
public struct LocalObjectReference: Sendable, Hashable, Codable {
    /// API version, e.g. `apps/v1`.
    public var apiVersion: String?
    /// Kind, e.g. `Deployment`.
    public var kind: String?
    /// Name.
    public var name: String
    /// Creates a reference.
    public init(apiVersion: String? = nil, kind: String? = nil, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }
}

/// `spec.autoscalerRef`: an HPA (autoscaling/v2) or KEDA ScaledObject.
public struct AutoscalerReference: Sendable, Hashable, Codable {
    /// API version.
    public var apiVersion: String?
    /// `HorizontalPodAutoscaler` or `ScaledObject`.
    public var kind: String?
    /// Name.
    public var name: String
    /// KEDA: trigger name → query for the primary's ScaledObject.
    public var primaryScalerQueries: [String: String]?
    /// Replica bounds for the primary's autoscaler.
    public var primaryScalerReplicas: ScalerReplicas?
    /// Creates a reference.
    public init(apiVersion: String? = nil, kind: String? = nil, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }
}

/// `autoscalerRef.primaryScalerReplicas`.
public struct ScalerReplicas: Sendable, Hashable, Codable {
    /// Minimum replicas of the primary's autoscaler.
    public var minReplicas: Int?
    /// Maximum replicas of the primary's autoscaler.
    public var maxReplicas: Int?
    /// Creates bounds.
    public init(minReplicas: Int? = nil, maxReplicas: Int? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }
}

/// `spec.upstreamRef` (Gloo) and references with an optional namespace.
public struct CrossNamespaceObjectReference: Sendable, Hashable, Codable {
    /// API version.
    public var apiVersion: String?
    /// Kind.
    public var kind: String?
    /// Name.
    public var name: String
    /// Namespace; defaults to the referring object's.
    public var namespace: String?
}

/// `templateRef` / `providerRef`: a name and an optional namespace (default: the Canary's).
public struct NamespacedName: Sendable, Hashable, Codable {
    /// Name.
    public var name: String
    /// Namespace; defaults to the Canary's.
    public var namespace: String?
    /// Creates a reference.
    public init(name: String, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}
