import Foundation
import Resources

/// Why a step cannot be taken now (a missing object, an invalid setting). Carried as a value into the plan.
public struct PlanBlock: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and, when known, what to do.
    public var message: String
    /// Creates a block.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The observed facts of one canary, derived once per plan.
struct CanaryContext: Sendable {
    let input: PlanInput
    let canary: Canary
    let provider: String
    /// Deployment or DaemonSet target.
    let target: WorkloadView?
    /// Service target.
    let targetService: ServiceView?
    let primary: WorkloadView?
    let selectorLabel: String
    let selectorValue: String
    let trackedConfigs: [TrackedConfig]
    /// `nil` when config tracking is disabled.
    let trackedChecksums: [String: String]?
    let targetHash: String
    let router: (any Router)?

    var settings: PlannerSettings { input.settings }
    var random: RandomValues { input.random }
    var now: Date { input.now }
    var isServiceTarget: Bool { canary.targetKind == "Service" }
    var name: String { "\(canary.name).\(canary.namespace)" }
    var targetID: String { "\(canary.targetName).\(canary.namespace)" }
    func observed(_ kind: String, _ name: String) -> JSONValue? { input.object(kind: kind, name: name) }

    /// Builds the context, or the reason the canary cannot be worked on.
    static func make(_ input: PlanInput) -> Result<CanaryContext, PlanBlock> {
        let canary = input.canary
        let kind = canary.targetKind
        let provider = canary.provider(default: input.settings.meshProvider)
        if let invalid = validate(canary, provider: provider, settings: input.settings) { return .failure(invalid) }
        guard let targetObject = input.object(kind: kind, name: canary.targetName) else {
            return .failure(PlanBlock("\(kind.lowercased()) \(canary.targetName).\(canary.namespace) get query error: not found"))
        }
        if kind == "Service" {
            let svc = ServiceView(targetObject)
            return .success(CanaryContext(
                input: input, canary: canary, provider: provider, target: nil, targetService: svc, primary: nil,
                selectorLabel: "", selectorValue: "", trackedConfigs: [], trackedChecksums: nil,
                targetHash: input.settings.specHasher.hash(svc.spec), router: RouterFactory.router(for: provider)))
        }
        let target = WorkloadView(targetObject)
        let labels = target.selectorMatchLabels
        guard let label = input.settings.selectorLabels.first(where: { labels[$0] != nil }), let value = labels[label] else {
            return .failure(PlanBlock("selector labels \(input.settings.selectorLabels.joined(separator: ",")) not found "
                + "in \(kind.lowercased()) \(canary.targetName).\(canary.namespace) spec.selector.matchLabels"))
        }
        if target.isDaemonSet, let type = target.object["spec", "updateStrategy", "type"]?.stringValue,
           type != "RollingUpdate" {
            return .failure(PlanBlock("daemonset \(canary.targetName).\(canary.namespace) must have RollingUpdate "
                + "strategy but have \(type)"))
        }
        var tracked: [TrackedConfig] = []
        var checksums: [String: String]? = nil
        if input.settings.configTracking {
            switch ConfigTracking.tracked(podSpec: target.podSpec, lookup: { input.object(kind: $0, name: $1) }) {
            case .success(let t): tracked = t
            case .failure(let e): return .failure(e)
            }
            checksums = ConfigTracking.checksums(tracked, hasher: input.settings.configHasher)
        }
        let primary = input.object(kind: kind, name: canary.primaryName).map(WorkloadView.init)
        return .success(CanaryContext(
            input: input, canary: canary, provider: provider, target: target, targetService: nil, primary: primary,
            selectorLabel: label, selectorValue: value, trackedConfigs: tracked, trackedChecksums: checksums,
            targetHash: input.settings.specHasher.hash(hashedTemplate(target)),
            router: RouterFactory.router(for: provider)))
    }

    /// Flagger's canary validation (§2.8), as far as the Planner can judge it.
    static func validate(_ canary: Canary, provider: String, settings: PlannerSettings) -> PlanBlock? {
        let ns = canary.namespace
        if settings.noCrossNamespaceRefs {
            let refs = (canary.effectiveAnalysis?.metrics ?? []).compactMap { $0.templateRef?.namespace }
                + (canary.effectiveAnalysis?.alerts ?? []).compactMap { $0.providerRef.namespace }
                + [canary.spec.upstreamRef?.namespace].compactMap { $0 }
            if let other = refs.first(where: { !$0.isEmpty && $0 != ns }) {
                return PlanBlock("namespace \(other) referenced by canary \(canary.name).\(ns): cross-namespace references "
                    + "are not allowed (--no-cross-namespace-refs)")
            }
        }
        let knativeTarget = canary.spec.targetRef.apiVersion?.hasPrefix("serving.knative.dev") == true
        if knativeTarget || provider == "knative" {
            return PlanBlock("canary \(canary.name).\(ns): Knative targets and the knative provider are not supported yet")
        }
        if let sa = canary.effectiveAnalysis?.sessionAffinity, let p = sa.primaryCookieName, p == sa.cookieName {
            return PlanBlock("canary \(canary.name).\(ns): sessionAffinity.cookieName and primaryCookieName must differ")
        }
        return nil
    }

    /// The part of the target that identifies a revision, as `SpecHash.target` hashes it: the pod template
    /// (DaemonSet: without the scale-to-zero node selector, an empty node selector dropped).
    static func hashedTemplate(_ target: WorkloadView) -> JSONValue {
        var template = target.podTemplate
        if target.isDaemonSet {
            var selector = template["spec", "nodeSelector"]?.objectValue ?? JSONObject()
            selector[PrimaryWorkload.scaleToZeroKey] = nil
            template.set(selector.isEmpty ? nil : .object(selector), at: ["spec", "nodeSelector"])
        }
        return template
    }
}
