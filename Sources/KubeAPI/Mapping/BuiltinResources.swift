/// Kinds the client can address without discovery: the Kubernetes built-ins GitCanary touches, plus the
/// Flagger-compatible kinds GitCanary itself owns (their paths are fixed by their CRDs).
public enum BuiltinResources {
    /// Core and common API kinds.
    public static let pods = ResourceMapping("v1", "Pod", "pods")
    /// Services.
    public static let services = ResourceMapping("v1", "Service", "services")
    /// ConfigMaps.
    public static let configMaps = ResourceMapping("v1", "ConfigMap", "configmaps")
    /// Secrets.
    public static let secrets = ResourceMapping("v1", "Secret", "secrets")
    /// Namespaces (cluster-scoped).
    public static let namespaces = ResourceMapping("v1", "Namespace", "namespaces", namespaced: false)
    /// Core events (`v1` Event).
    public static let events = ResourceMapping("v1", "Event", "events")
    /// `events.k8s.io/v1` Events.
    public static let eventsV1 = ResourceMapping("events.k8s.io/v1", "Event", "events")
    /// Deployments.
    public static let deployments = ResourceMapping("apps/v1", "Deployment", "deployments")
    /// DaemonSets.
    public static let daemonSets = ResourceMapping("apps/v1", "DaemonSet", "daemonsets")
    /// Leases (run locks).
    public static let leases = ResourceMapping("coordination.k8s.io/v1", "Lease", "leases")
    /// Flagger Canaries.
    public static let canaries = ResourceMapping("flagger.app/v1beta1", "Canary", "canaries")
    /// Flagger MetricTemplates.
    public static let metricTemplates = ResourceMapping("flagger.app/v1beta1", "MetricTemplate", "metrictemplates")
    /// Flagger AlertProviders.
    public static let alertProviders = ResourceMapping("flagger.app/v1beta1", "AlertProvider", "alertproviders")

    /// Every known mapping.
    public static let all: [ResourceMapping] = [
        pods, services, configMaps, secrets, namespaces, events, eventsV1, deployments, daemonSets, leases, canaries,
        metricTemplates, alertProviders,
        ResourceMapping("v1", "ServiceAccount", "serviceaccounts"),
        ResourceMapping("v1", "Endpoints", "endpoints"),
        ResourceMapping("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
        ResourceMapping("v1", "ReplicationController", "replicationcontrollers"),
        ResourceMapping("v1", "Node", "nodes", namespaced: false),
        ResourceMapping("v1", "PersistentVolume", "persistentvolumes", namespaced: false),
        ResourceMapping("apps/v1", "StatefulSet", "statefulsets"),
        ResourceMapping("apps/v1", "ReplicaSet", "replicasets"),
        ResourceMapping("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
        ResourceMapping("batch/v1", "Job", "jobs"),
        ResourceMapping("batch/v1", "CronJob", "cronjobs"),
        ResourceMapping("networking.k8s.io/v1", "Ingress", "ingresses"),
        ResourceMapping("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies"),
        ResourceMapping("networking.k8s.io/v1", "IngressClass", "ingressclasses", namespaced: false),
        ResourceMapping("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets"),
        ResourceMapping("rbac.authorization.k8s.io/v1", "Role", "roles"),
        ResourceMapping("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"),
        ResourceMapping("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", namespaced: false),
        ResourceMapping("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", namespaced: false),
        ResourceMapping("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false),
        ResourceMapping("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", namespaced: false),
        ResourceMapping("storage.k8s.io/v1", "StorageClass", "storageclasses", namespaced: false),
    ]

    private static let index: [String: ResourceMapping] = {
        var d: [String: ResourceMapping] = [:]
        for m in all { d[key(m.gvr.apiVersion, m.kind)] = d[key(m.gvr.apiVersion, m.kind)] ?? m }
        return d
    }()

    /// The mapping of a built-in `apiVersion` + `kind`, or `nil` when discovery is needed.
    public static func mapping(apiVersion: String, kind: String) -> ResourceMapping? { index[key(apiVersion, kind)] }

    private static func key(_ apiVersion: String, _ kind: String) -> String { apiVersion + "|" + kind }
}
