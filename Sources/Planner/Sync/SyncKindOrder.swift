/// The order in which the Git sync applies kinds (and, reversed, prunes them).
///
/// Stage 1 (``SyncStage/definitions``) holds CustomResourceDefinitions and Namespaces: they are applied first and
/// waited for until served. Stage 2 (``SyncStage/resources``) holds everything else in this order, modelled on
/// Flux's `ssa` sort (policy and cluster-wide kinds, identities and RBAC, configuration, storage, Services, workloads,
/// autoscalers and disruption budgets, networking), then unknown kinds (by name), then the Flagger kinds
/// (MetricTemplate, AlertProvider, Canary: a Canary comes after its target, configs, autoscaler and templates), and
/// admission webhooks last (so a webhook in Git cannot block the objects it would validate). Ties are broken by
/// namespace, name and group, so the order never depends on the order of files.
public enum SyncKindOrder {
    /// Kinds in order; the index is the rank.
    public static let kinds: [String] = [
        "CustomResourceDefinition", "Namespace",
        "ResourceQuota", "LimitRange", "PriorityClass", "StorageClass", "IngressClass", "RuntimeClass",
        "ClusterRole", "ClusterRoleBinding", "ServiceAccount", "Role", "RoleBinding",
        "Secret", "ConfigMap", "PersistentVolume", "PersistentVolumeClaim",
        "Service", "Endpoints",
        "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob",
        "HorizontalPodAutoscaler", "ScaledObject", "PodDisruptionBudget",
        "NetworkPolicy", "Ingress", "Gateway", "HTTPRoute",
    ]

    /// Kinds that come after unknown kinds, in order.
    public static let lastKinds: [String] = [
        "MetricTemplate", "AlertProvider", "Canary",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]

    /// Kinds of the first stage.
    public static let definitionKinds: Set<String> = ["CustomResourceDefinition", "Namespace"]

    private static let ranks: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, k) in kinds.enumerated() { d[k] = i }
        for (i, k) in lastKinds.enumerated() { d[k] = unknownRank + 1 + i }
        return d
    }()

    /// The rank shared by every kind not listed (ties then break by kind name).
    public static let unknownRank = 1000

    /// The rank of a kind; unknown kinds share ``unknownRank``.
    public static func rank(group: String, kind: String) -> Int {
        if kind == "CustomResourceDefinition", group != "apiextensions.k8s.io" { return unknownRank }
        return ranks[kind] ?? unknownRank
    }

    /// The stage of a kind.
    public static func stage(group: String, kind: String) -> SyncStage {
        if kind == "CustomResourceDefinition" && group == "apiextensions.k8s.io" { return .definitions }
        if kind == "Namespace" && group.isEmpty { return .definitions }
        return .resources
    }
}
