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

    /// Sorts by kind order, then namespace, name and group, computing each rank once (O(n log n) comparisons of
    /// precomputed values).
    public static func sorted<T>(_ items: [T], descending: Bool = false, key: (T) -> SyncKey) -> [T] {
        // Sort small (rank, key, index) records, not the items themselves (moving large values costs retains).
        let decorated = items.indices.map { i -> (rank: Int, key: SyncKey, index: Int) in
            let k = key(items[i])
            return (rank(group: k.group, kind: k.kind), k, i)
        }
        let ordered = decorated.sorted { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.key.kind != b.key.kind { return a.key.kind.utf8.lexicographicallyPrecedes(b.key.kind.utf8) }
            if a.key.namespace != b.key.namespace { return a.key.namespace.utf8.lexicographicallyPrecedes(b.key.namespace.utf8) }
            if a.key.name != b.key.name { return a.key.name.utf8.lexicographicallyPrecedes(b.key.name.utf8) }
            return a.key.group.utf8.lexicographicallyPrecedes(b.key.group.utf8)
        }.map { items[$0.index] }
        return descending ? ordered.reversed() : ordered
    }
}
