import Resources

extension MetricTemplateModel {
    /// The model Flagger builds for a canary and a metric interval (`toMetricModel`).
    public init(canary: Canary, interval: String, variables: [String: String]?, route: String? = nil) {
        let target = canary.spec.targetRef.name
        self.init(
            name: canary.name, namespace: canary.namespace, target: target, service: canary.apexName,
            ingress: canary.spec.ingressRef?.name ?? target, route: route ?? canary.spec.routeRef?.name ?? target,
            interval: interval, variables: variables ?? [:])
    }
}

/// What a metric's `onNoData` asks for when a query finds no values.
public enum NoDataPolicy: String, Sendable, Hashable, CaseIterable {
    /// A failed check (Flagger's behaviour, the default).
    case fail
    /// A passed check.
    case pass
    /// Neither: the canary holds and the next run asks again.
    case hold

    /// The policy of a metric; absent or unknown values mean `fail`.
    public init(_ field: String?) {
        self = field.flatMap { NoDataPolicy(rawValue: $0.lowercased()) } ?? .fail
    }
}
