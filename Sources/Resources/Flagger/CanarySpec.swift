/// `Canary.spec` (flagger-behaviour.md §1.1).
public struct CanarySpec: Sendable, Hashable, Codable {
    /// Router/observer provider; overrides `--mesh-provider`.
    public var provider: String?
    /// Prometheus URL for builtin and inline metrics.
    public var metricsServer: String?
    /// The workload under analysis.
    public var targetRef: LocalObjectReference
    /// HPA or KEDA ScaledObject of the target.
    public var autoscalerRef: AutoscalerReference?
    /// Ingress (nginx, skipper).
    public var ingressRef: LocalObjectReference?
    /// ApisixRoute (apisix).
    public var routeRef: LocalObjectReference?
    /// Gloo upstream to copy.
    public var upstreamRef: CrossNamespaceObjectReference?
    /// Generated services and routing.
    public var service: CanaryService
    /// The analysis.
    public var analysis: CanaryAnalysis?
    /// Deprecated alias of `analysis`, used only when `analysis` is absent.
    public var canaryAnalysis: CanaryAnalysis?
    /// Deadline for workload waits; default 600.
    public var progressDeadlineSeconds: Int?
    /// Promote without analysis.
    public var skipAnalysis: Bool?
    /// Revert routing and primary on deletion.
    public var revertOnDeletion: Bool?
    /// Make every run a no-op for this canary.
    public var suspend: Bool?

    /// Creates a spec.
    public init(targetRef: LocalObjectReference, service: CanaryService, analysis: CanaryAnalysis? = nil) {
        self.targetRef = targetRef
        self.service = service
        self.analysis = analysis
    }
}

extension CanarySpec {
    /// Decodes a spec; an absent `service` (allowed by the CRD, e.g. for Knative targets) reads as an empty one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        provider = try c.decodeIfPresent(String.self, forKey: .provider)
        metricsServer = try c.decodeIfPresent(String.self, forKey: .metricsServer)
        targetRef = try c.decode(LocalObjectReference.self, forKey: .targetRef)
        autoscalerRef = try c.decodeIfPresent(AutoscalerReference.self, forKey: .autoscalerRef)
        ingressRef = try c.decodeIfPresent(LocalObjectReference.self, forKey: .ingressRef)
        routeRef = try c.decodeIfPresent(LocalObjectReference.self, forKey: .routeRef)
        upstreamRef = try c.decodeIfPresent(CrossNamespaceObjectReference.self, forKey: .upstreamRef)
        service = try c.decodeIfPresent(CanaryService.self, forKey: .service) ?? CanaryService()
        analysis = try c.decodeIfPresent(CanaryAnalysis.self, forKey: .analysis)
        canaryAnalysis = try c.decodeIfPresent(CanaryAnalysis.self, forKey: .canaryAnalysis)
        progressDeadlineSeconds = try c.decodeIfPresent(Int.self, forKey: .progressDeadlineSeconds)
        skipAnalysis = try c.decodeIfPresent(Bool.self, forKey: .skipAnalysis)
        revertOnDeletion = try c.decodeIfPresent(Bool.self, forKey: .revertOnDeletion)
        suspend = try c.decodeIfPresent(Bool.self, forKey: .suspend)
    }
}
