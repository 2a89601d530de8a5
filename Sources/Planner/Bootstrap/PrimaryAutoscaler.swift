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

/// The primary KEDA ScaledObject `<so>-primary` and the pause annotation (flagger-behaviour.md §5.7).
enum PrimaryScaledObject {
    /// KEDA's pause annotation, set to `"0"` on the target's ScaledObject while the target is parked.
    static let pauseAnnotation = "autoscaling.keda.sh/paused-replicas"

    /// The desired primary ScaledObject.
    static func desired(source: JSONValue, context ctx: CanaryContext) -> JSONValue {
        let canary = ctx.canary
        let name = source["metadata", "name"]?.stringValue ?? ""
        var target: JSONValue = ["name": .string(canary.primaryName)]
        if let v = source["spec", "scaleTargetRef", "apiVersion"] { target["apiVersion"] = v }
        if let v = source["spec", "scaleTargetRef", "kind"] { target["kind"] = v }
        var spec: JSONValue = ["scaleTargetRef": target]
        for field in ["pollingInterval", "cooldownPeriod", "minReplicaCount", "maxReplicaCount", "fallback", "idleReplicaCount"] {
            if let v = source["spec", field] { spec[field] = v }
        }
        let overrides = canary.spec.autoscalerRef?.primaryScalerReplicas
        if let m = overrides?.minReplicas { spec["minReplicaCount"] = .int(Int64(m)) }
        if let m = overrides?.maxReplicas { spec["maxReplicaCount"] = .int(Int64(m)) }
        if var advanced = source["spec", "advanced"] {
            if let hpaName = advanced["horizontalPodAutoscalerConfig", "name"]?.stringValue, !hpaName.isEmpty {
                advanced.set(.string(hpaName + "-primary"), at: ["horizontalPodAutoscalerConfig", "name"])
            }
            spec["advanced"] = advanced
        }
        let queries = canary.spec.autoscalerRef?.primaryScalerQueries
        spec["triggers"] = source["spec", "triggers"]?.mapArray { trigger in
            guard let query = trigger["metadata", "query"]?.stringValue else { return trigger }
            var t = trigger
            if let queries {
                if let n = t["name"]?.stringValue, let q = queries[n] { t.set(.string(q), at: ["metadata", "query"]) }
            } else {
                t.set(.string(rewrite(query, target: canary.targetName)), at: ["metadata", "query"])
            }
            return t
        }
        return [
            "apiVersion": .string(source["apiVersion"]?.stringValue ?? "keda.sh/v1alpha1"), "kind": "ScaledObject",
            "metadata": GeneratedMetadata.metadata(name: name + "-primary", namespace: canary.namespace,
                                                   labels: GeneratedMetadata.withoutToolkit(
                                                       JSONValue.stringMap(source["metadata", "labels"])),
                                                   annotations: [:], owner: canary),
            "spec": spec,
        ]
    }

    /// Every `<target>-canary` and `<target>` (not already `<target>-primary`) becomes `<target>-primary`.
    static func rewrite(_ query: String, target: String) -> String {
        guard !target.isEmpty else { return query }
        var out = ""
        var rest = Substring(query)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += target + "-primary"
            rest = rest[r.upperBound...]
            if rest.hasPrefix("-canary") { rest = rest.dropFirst("-canary".count) }
            else if rest.hasPrefix("-primary") { rest = rest.dropFirst("-primary".count) }
        }
        return out + rest
    }
}
