import Resources

/// The generated `<target>-primary` Deployment or DaemonSet (flagger-behaviour.md §5.1, §5.6).
enum PrimaryWorkload {
    /// The node selector key Flagger uses to park a DaemonSet target.
    static let scaleToZeroKey = "flagger.app/scale-to-zero"

    /// The desired primary: a copy of the target with `-primary` selector value and renamed config references.
    /// - Parameters:
    ///   - promotion: `false` at creation (all target annotations copied), `true` at promotion (annotations
    ///     filtered by the include prefixes, replicas kept from the existing primary when an autoscaler is set).
    static func desired(target: WorkloadView, existing: WorkloadView?, context ctx: CanaryContext, promotion: Bool)
        -> JSONValue {
        let canary = ctx.canary
        let label = ctx.selectorLabel
        let primaryValue = ctx.selectorValue + "-primary"
        var labels = GeneratedMetadata.filtered(target.labels, includePrefixes: ctx.settings.includeLabelPrefix)
        labels[label] = primaryValue
        let annotations = promotion
            ? GeneratedMetadata.filtered(target.annotations, includePrefixes: ctx.settings.includeLabelPrefix)
            : GeneratedMetadata.withoutToolkit(target.annotations)

        var templateLabels = GeneratedMetadata.withoutToolkit(target.templateLabels)
        templateLabels[label] = primaryValue
        var templateAnnotations = GeneratedMetadata.withoutToolkit(
            JSONValue.stringMap(target.podTemplate["metadata", "annotations"]))
        templateAnnotations["flagger-id"] = ctx.random.flaggerID

        var podSpec = ConfigTracking.renamed(target.podSpec, tracked: ctx.trackedConfigs)
        podSpec = renameAffinity(podSpec, selectorLabels: ctx.settings.selectorLabels, targetName: canary.targetName)
        if target.isDaemonSet {
            podSpec["nodeSelector"]?[scaleToZeroKey] = nil
            if podSpec["nodeSelector"]?.objectValue?.isEmpty == true { podSpec["nodeSelector"] = nil }
        }
        var templateMeta = target.podTemplate["metadata"] ?? .object(JSONObject())
        templateMeta["labels"] = JSONValue.fromStringMap(templateLabels)
        templateMeta["annotations"] = JSONValue.fromStringMap(templateAnnotations)
        templateMeta["name"] = nil
        templateMeta["creationTimestamp"] = nil

        var spec: JSONValue = ["selector": ["matchLabels": [label: .string(primaryValue)]]]
        let copied = target.isDaemonSet
            ? ["minReadySeconds", "revisionHistoryLimit", "updateStrategy"]
            : ["progressDeadlineSeconds", "minReadySeconds", "revisionHistoryLimit", "strategy"]
        for field in copied { if let v = target.object["spec", field] { spec[field] = v } }
        if !target.isDaemonSet {
            let hasScaler = canary.spec.autoscalerRef != nil
            if promotion, hasScaler, let r = existing?.replicas {
                spec["replicas"] = .int(Int64(r))
            } else if promotion, hasScaler {
                spec["replicas"] = nil
            } else {
                spec["replicas"] = .int(Int64(max(1, ctx.input.targetReplicasFromGit ?? target.replicas ?? 1)))
            }
        }
        spec["template"] = ["metadata": templateMeta, "spec": podSpec]

        return [
            "apiVersion": .string(target.object["apiVersion"]?.stringValue ?? "apps/v1"),
            "kind": .string(target.kind),
            "metadata": GeneratedMetadata.metadata(name: canary.primaryName, namespace: canary.namespace,
                                                   labels: labels, annotations: annotations, owner: canary),
            "spec": spec,
        ]
    }

    /// In topology spread constraints and pod (anti-)affinity label selectors, values equal to the target name
    /// under selector-label keys get `-primary` appended.
    static func renameAffinity(_ podSpec: JSONValue, selectorLabels: [String], targetName: String) -> JSONValue {
        let keys = Set(selectorLabels)
        func fixSelector(_ selector: JSONValue) -> JSONValue {
            var s = selector
            if let ml = s["matchLabels"]?.objectValue {
                var out = JSONObject()
                for (k, v) in ml {
                    out[k] = (keys.contains(k) && v.stringValue == targetName) ? .string(targetName + "-primary") : v
                }
                s["matchLabels"] = .object(out)
            }
            s["matchExpressions"] = s["matchExpressions"]?.mapArray { expr in
                guard let k = expr["key"]?.stringValue, keys.contains(k) else { return expr }
                var e = expr
                e["values"] = e["values"]?.mapArray { v in
                    v.stringValue == targetName ? .string(targetName + "-primary") : v
                }
                return e
            }
            return s
        }
        var spec = podSpec
        spec["topologySpreadConstraints"] = spec["topologySpreadConstraints"]?.mapArray { c in
            var c = c
            if let sel = c["labelSelector"] { c["labelSelector"] = fixSelector(sel) }
            return c
        }
        if let anti = spec["affinity", "podAntiAffinity"] {
            var a = anti
            a["requiredDuringSchedulingIgnoredDuringExecution"] = a["requiredDuringSchedulingIgnoredDuringExecution"]?
                .mapArray { term in
                    var t = term
                    if let sel = t["labelSelector"] { t["labelSelector"] = fixSelector(sel) }
                    return t
                }
            a["preferredDuringSchedulingIgnoredDuringExecution"] = a["preferredDuringSchedulingIgnoredDuringExecution"]?
                .mapArray { weighted in
                    var w = weighted
                    if let sel = w["podAffinityTerm", "labelSelector"] {
                        w.set(fixSelector(sel), at: ["podAffinityTerm", "labelSelector"])
                    }
                    return w
                }
            spec.set(a, at: ["affinity", "podAntiAffinity"])
        }
        return spec
    }

    /// Whether the target's pod template equals the primary's modulo the generated differences (selector value,
    /// config renames, `flagger-id`): used to adopt canaries Flagger managed.
    static func templatesMatch(target: WorkloadView, primary: WorkloadView, context ctx: CanaryContext) -> Bool {
        let desired = WorkloadView(desired(target: target, existing: primary, context: ctx, promotion: true))
        return desired.podSpec == primary.podSpec
    }
}
