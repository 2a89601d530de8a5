/// Every rule `ManifestValidator` applies; the raw value is the stable identifier shown by `--output json`.
///
/// docs/validation.md describes each rule with an example message.
public enum ValidationRule: String, Sendable, Hashable, Codable, CaseIterable {
    // File level.
    /// The file is not valid YAML/JSON or a document is not a Kubernetes object.
    case decode = "decode"
    /// apiVersion, kind or metadata.name missing or not a string; labels/annotations not string maps.
    case objectIdentity = "object.identity"
    /// The same object (group, kind, namespace, name) is declared twice.
    case duplicateObject = "object.duplicate"
    /// `flagger.app/v1alpha*`: no longer served; the message says how to migrate.
    case legacyAPIVersion = "flagger.legacy-api-version"

    // Flagger's CRD schema.
    /// A field has the wrong JSON type.
    case schemaType = "schema.type"
    /// A required field is missing.
    case schemaRequired = "schema.required"
    /// A value outside the schema's enumeration (provider, webhook type, severity, ...).
    case schemaEnum = "schema.enum"
    /// A string not matching the schema's pattern (e.g. `interval` must start with `^[0-9]+(m|s)`).
    case schemaPattern = "schema.pattern"
    /// A number, string or list outside the schema's bounds.
    case schemaBounds = "schema.bounds"
    /// `oneOf`/`anyOf`/`not` alternatives not satisfied (e.g. analysis needs iterations, stepWeight or stepWeights).
    case schemaAlternatives = "schema.alternatives"
    /// A field the schema does not know; the API server drops it (warning).
    case schemaUnknownField = "schema.unknown-field"

    // Flagger semantics.
    /// A Go duration that does not parse, or an interval Flagger clamps (warning).
    case duration = "canary.duration"
    /// `thresholdRange.min` greater than `max`.
    case thresholdRange = "canary.threshold-range"
    /// `stepWeights` not strictly increasing, below 1, or above 100 (warning: treated as 100).
    case stepWeights = "canary.step-weights"
    /// `maxWeight` outside 1..100.
    case maxWeight = "canary.max-weight"
    /// A count or weight that must be a whole number.
    case wholeNumber = "canary.whole-number"
    /// A count or weight too large for the 64-bit integer Flagger and GitCanary read it into (e.g. a threshold of 2^70).
    case integerRange = "canary.integer-range"
    /// `service.port` missing for a non-Knative target.
    case servicePort = "canary.service-port"
    /// Session-affinity `cookieName` equal to `primaryCookieName`.
    case cookieNames = "canary.cookie-names"
    /// A Knative target with a non-knative provider, the knative provider with another target, or a Knative target
    /// with an autoscalerRef (Flagger refuses to schedule such a canary).
    case knative = "canary.knative"
    /// A provider setting Flagger needs to make progress: nginx/skipper without `ingressRef`, apisix without
    /// `routeRef`, Gateway API without `service.gatewayRefs`, canary-strategy mirroring with a provider other than
    /// Istio (warning: Flagger accepts the object but the canary never advances).
    case providerRequirements = "canary.provider-requirements"
    /// A metric `templateRef` that names no MetricTemplate among the validated files (warning).
    case templateRefNotFound = "canary.template-ref"
    /// An alert `providerRef` that names no AlertProvider among the validated files (warning).
    case providerRefNotFound = "canary.provider-ref"
    /// A valid Flagger feature GitCanary does not support yet (warning).
    case unsupported = "gitcanary.unsupported"
    /// The object cannot be read into GitCanary's typed model.
    case typedModel = "gitcanary.typed-model"

    // Workloads (canary targets).
    /// A Deployment, DaemonSet, StatefulSet or ReplicaSet in a removed API version (`extensions/v1beta1`,
    /// `apps/v1beta1`, `apps/v1beta2`): the API server rejects it.
    case workloadAPIVersion = "workload.api-version"
    /// `spec.replicas` that is not a whole number in 0...2147483647 (Kubernetes' int32).
    case workloadReplicas = "workload.replicas"
}
