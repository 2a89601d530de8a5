/// The built-in kinds the Sandbox serves.
enum BuiltinResources {
    static let all: [ResourceType] = [
        t("", "v1", "namespaces", "Namespace", ns: false, short: ["ns"], status: true, gen: false),
        t("", "v1", "configmaps", "ConfigMap", short: ["cm"], gen: false),
        t("", "v1", "secrets", "Secret", gen: false),
        t("", "v1", "services", "Service", short: ["svc"], cat: ["all"], status: true, gen: false),
        t("", "v1", "events", "Event", short: ["ev"], gen: false),
        t("", "v1", "serviceaccounts", "ServiceAccount", short: ["sa"], gen: false),
        t("", "v1", "pods", "Pod", short: ["po"], cat: ["all"], status: true, gen: false),
        t("", "v1", "endpoints", "Endpoints", short: ["ep"], gen: false),
        t("", "v1", "nodes", "Node", ns: false, short: ["no"], status: true, gen: false),
        t("apps", "v1", "deployments", "Deployment", short: ["deploy"], cat: ["all"], status: true, scale: true),
        t("apps", "v1", "daemonsets", "DaemonSet", short: ["ds"], cat: ["all"], status: true),
        t("apps", "v1", "replicasets", "ReplicaSet", short: ["rs"], cat: ["all"], status: true, scale: true),
        t("apps", "v1", "statefulsets", "StatefulSet", short: ["sts"], cat: ["all"], status: true, scale: true),
        t("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", short: ["hpa"], cat: ["all"],
          status: true),
        t("events.k8s.io", "v1", "events", "Event", short: ["ev"], gen: false),
        t("coordination.k8s.io", "v1", "leases", "Lease", gen: false),
        t("networking.k8s.io", "v1", "ingresses", "Ingress", short: ["ing"], status: true),
        t("networking.k8s.io", "v1", "ingressclasses", "IngressClass", ns: false),
        t("batch", "v1", "cronjobs", "CronJob", short: ["cj"], cat: ["all"], status: true),
        t("batch", "v1", "jobs", "Job", cat: ["all"], status: true),
        t("rbac.authorization.k8s.io", "v1", "roles", "Role", gen: false),
        t("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", ns: false, gen: false),
        t("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", gen: false),
        t("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", ns: false, gen: false),
        t("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", ns: false,
          short: ["crd", "crds"], status: true),
    ]

    private static func t(
        _ group: String, _ version: String, _ resource: String, _ kind: String, ns: Bool = true, short: [String] = [],
        cat: [String] = [], status: Bool = false, scale: Bool = false, gen: Bool = true
    ) -> ResourceType {
        ResourceType(
            group: group, version: version, resource: resource, kind: kind, singular: kind.lowercased(),
            namespaced: ns, shortNames: short, categories: cat, hasStatus: status, hasScale: scale,
            tracksGeneration: gen)
    }
}
