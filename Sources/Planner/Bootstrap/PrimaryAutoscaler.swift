import Resources

/// The primary HorizontalPodAutoscaler `<hpa>-primary` (flagger-behaviour.md §5.7).
enum PrimaryAutoscaler {
    /// The desired primary HPA built from the target's HPA.
    static func desired(source: HorizontalPodAutoscalerView, context ctx: CanaryContext) -> JSONValue {
        let canary = ctx.canary
        var spec: JSONValue = [
            "scaleTargetRef": [
                "apiVersion": .string(source.scaleTargetRef?["apiVersion"]?.stringValue ?? "apps/v1"),
                "kind": .string(source.scaleTargetRef?["kind"]?.stringValue ?? canary.targetKind),
                "name": .string(canary.primaryName),
            ]
        ]
        let overrides = canary.spec.autoscalerRef?.primaryScalerReplicas
        if let min = overrides?.minReplicas ?? source.minReplicas { spec["minReplicas"] = .int(Int64(min)) }
        if let max = overrides?.maxReplicas ?? source.maxReplicas { spec["maxReplicas"] = .int(Int64(max)) }
        if let m = source.metrics { spec["metrics"] = m }
        if let b = source.behavior { spec["behavior"] = b }
        return [
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": GeneratedMetadata.metadata(name: source.name + "-primary", namespace: canary.namespace,
                                                   labels: GeneratedMetadata.withoutToolkit(source.labels),
                                                   annotations: [:], owner: canary),
            "spec": spec,
        ]
    }
}
