import Resources

/// Knative Service targets (serving.knative.dev, flagger-behaviour.md §5.1, §5.4): no primary workload and no
/// generated Services; the primary is the revision named by the `flagger.app/primary-revision` annotation, the
/// canary the latest created revision, and traffic is split on the Knative Service itself (`KnativeRouter`).
enum KnativeTarget {
    /// The annotation naming the primary revision.
    static let primaryRevisionAnnotation = "flagger.app/primary-revision"

    /// Whether a canary targets a Knative Service.
    static func isKnative(_ canary: Canary) -> Bool {
        canary.spec.targetRef.apiVersion?.hasPrefix("serving.knative.dev") == true
    }

    /// The latest created revision of a Knative Service.
    static func latestRevision(_ service: JSONValue?) -> String? {
        service?["status", "latestCreatedRevisionName"]?.stringValue
    }

    /// The primary revision: the annotation, or (before initialization wrote it) the latest created revision.
    static func primaryRevision(_ service: JSONValue?) -> String? {
        JSONValue.stringMap(service?["metadata", "annotations"])[primaryRevisionAnnotation] ?? latestRevision(service)
    }

    /// The validation rules of §9 item 50 for Knative (`nil` when valid).
    static func validate(_ canary: Canary, provider: String) -> PlanBlock? {
        let name = "canary \(canary.name).\(canary.namespace)"
        let knative = isKnative(canary)
        if provider == "knative" && !knative {
            return PlanBlock("\(name): the knative provider needs a Knative Service target "
                + "(targetRef apiVersion serving.knative.dev/v1, kind Service)")
        }
        if knative && provider != "knative" {
            return PlanBlock("\(name): a Knative Service target needs provider: knative (got \(provider))")
        }
        if knative && canary.spec.autoscalerRef != nil {
            return PlanBlock("\(name): a Knative Service target cannot have an autoscalerRef (Knative scales revisions itself)")
        }
        return nil
    }

    /// The readiness of the latest created revision, from the Knative Service's status (`nil` for other targets):
    /// ready once it is also the latest ready revision; failed when the configuration reports it failed.
    static func readiness(_ canary: Canary, service: JSONValue?) -> Readiness? {
        guard isKnative(canary) else { return nil }
        guard let latest = latestRevision(service) else { return .waiting("no revision has been created yet") }
        if service?["status", "latestReadyRevisionName"]?.stringValue == latest { return .ready }
        let failed = (service?["status", "conditions"]?.arrayValue ?? []).first {
            $0["type"]?.stringValue == "ConfigurationsReady" && $0["status"]?.stringValue == "False"
        }
        if let failed {
            return .failed("revision \(latest) failed: \(failed["message"]?.stringValue ?? failed["reason"]?.stringValue ?? "not ready")")
        }
        return .waiting("revision \(latest) is not ready yet")
    }

    /// Promotion: the primary-revision annotation moves to the latest created revision (merge patch).
    static func promotion(_ canary: Canary, service: JSONValue?) -> PlannedWrite? {
        guard let latest = latestRevision(service) else { return nil }
        let ref = ObjectRef(apiVersion: canary.spec.targetRef.apiVersion ?? "serving.knative.dev/v1", kind: "Service",
                            namespace: canary.namespace, name: canary.targetName)
        return PlannedWrite(.patch(ref: ref, mergePatch: ["metadata": ["annotations": [primaryRevisionAnnotation: .string(latest)]]]),
                            intent: .change, reason: "promote: \(latest) becomes the primary revision")
    }
}
