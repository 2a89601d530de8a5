import Resources

/// Resolves what a recognised query names (`QueryRecognizer.Candidate`) to the serving values of a workload in
/// the cluster: its success rate and latency, or nil (no data) when it is not ready.
enum WorkloadResolver {
    typealias Serving = (successRate: Double, latency: Double)

    /// The first candidate whose object exists decides: its serving values, or nil when it is not ready. No
    /// existing candidate: nil.
    static func resolve(_ candidates: [QueryRecognizer.Candidate], cluster: Cluster) -> Serving? {
        for c in candidates {
            if let found = lookup(c.workload, namespace: c.namespace, cluster: cluster) { return found }
        }
        return nil
    }

    /// `.some(values or nil)` when the named object exists, `nil` when it does not.
    static func lookup(_ workload: QueryRecognizer.Workload, namespace: String, cluster: Cluster) -> Serving?? {
        switch workload {
        case .named(let name):
            return named(name, namespace: namespace, cluster: cluster)
        case .service(let name):
            return service(name, namespace: namespace, cluster: cluster)
        case .ingress(let ingress):
            // Flagger's canary Ingress `<ingress>-canary` first (nginx counts its requests), then a workload named
            // like the Ingress, then the Ingress's own backends.
            if let found = ingressBackends(ingress + "-canary", namespace: namespace, cluster: cluster) { return found }
            if let direct = named(ingress, namespace: namespace, cluster: cluster) { return direct }
            return ingressBackends(ingress, namespace: namespace, cluster: cluster)
        case .knativeRevision(let revision):
            return knative(revision, namespace: namespace, cluster: cluster)
        case .skipperWords(let nsWord, let serviceWord):
            let services = cluster.objects.keys(group: "", resource: "services")
                .filter { word($0.namespace) == nsWord && word($0.name) == serviceWord + "_canary" }.sorted()
            for k in services {
                if let found = service(k.name, namespace: k.namespace, cluster: cluster) { return found }
            }
            let workloads = cluster.objects.keys(group: "apps", resource: "deployments")
                .union(cluster.objects.keys(group: "apps", resource: "daemonsets"))
                .filter { word($0.namespace) == nsWord && word($0.name) == serviceWord }.sorted()
            for k in workloads {
                if let found = named(k.name, namespace: k.namespace, cluster: cluster) { return found }
            }
            return nil
        }
    }

    /// The workload behind the first backend Service of an Ingress that resolves.
    static func ingressBackends(_ ingress: String, namespace: String, cluster: Cluster) -> Serving?? {
        let key = StoreKey(group: "networking.k8s.io", resource: "ingresses", namespace: namespace, name: ingress)
        guard let obj = cluster.objects[key] else { return nil }
        var services: [String] = []
        if let s = obj["spec", "defaultBackend", "service", "name"]?.stringValue { services.append(s) }
        for rule in obj["spec", "rules"]?.arrayValue ?? [] {
            for p in rule["http", "paths"]?.arrayValue ?? [] {
                if let s = p["backend", "service", "name"]?.stringValue { services.append(s) }
            }
        }
        for s in services {
            if let found = service(s, namespace: namespace, cluster: cluster) { return found }
        }
        return nil
    }

    /// A Deployment or DaemonSet by name.
    static func named(_ name: String, namespace: String, cluster: Cluster) -> Serving?? {
        if let d = cluster.objects[StoreKey(group: "apps", resource: "deployments", namespace: namespace, name: name)] {
            return .some(TrafficLedger.serving(d, daemonSet: false))
        }
        if let d = cluster.objects[StoreKey(group: "apps", resource: "daemonsets", namespace: namespace, name: name)] {
            return .some(TrafficLedger.serving(d, daemonSet: true))
        }
        return nil
    }

    /// The workload a Service's selector picks (by pod template labels), else a workload named like the
    /// Service, with or without its `-canary`/`-primary` suffix.
    static func service(_ name: String, namespace: String, cluster: Cluster) -> Serving?? {
        let key = StoreKey(group: "", resource: "services", namespace: namespace, name: name)
        if let selector = cluster.objects[key]?["spec", "selector"]?.objectValue, !selector.isEmpty {
            for (resource, daemonSet) in [("deployments", false), ("daemonsets", true)] {
                for k in cluster.objects.keys(group: "apps", resource: resource).filter({ $0.namespace == namespace }).sorted() {
                    guard let obj = cluster.objects[k] else { continue }
                    let labels = obj["spec", "template", "metadata", "labels"]
                    if selector.allSatisfy({ labels?[$0.key] == $0.value }) {
                        return .some(TrafficLedger.serving(obj, daemonSet: daemonSet))
                    }
                }
            }
        }
        if let direct = named(name, namespace: namespace, cluster: cluster) { return direct }
        for suffix in ["-primary", "-canary"] where name.hasSuffix(suffix) {
            return named(String(name.dropLast(suffix.count)), namespace: namespace, cluster: cluster)
        }
        return nil
    }

    /// A Knative revision `<service>-0000N`: the Knative Service's template values while that revision is its
    /// latest ready one (the Sandbox keeps no older revisions' templates), else no data.
    static func knative(_ revision: String, namespace: String, cluster: Cluster) -> Serving?? {
        guard let dash = revision.lastIndex(of: "-"), revision[revision.index(after: dash)...].allSatisfy(\.isNumber) else { return nil }
        let key = StoreKey(group: "serving.knative.dev", resource: "services", namespace: namespace, name: String(revision[..<dash]))
        guard let obj = cluster.objects[key] else { return nil }
        guard obj["status", "latestReadyRevisionName"]?.stringValue == revision, obj["metadata", "deletionTimestamp"] == nil
        else { return .some(nil) }
        return .some(TrafficLedger.values(obj["spec", "template", "metadata", "annotations"]))
    }

    /// Skipper's route naming: every non-word character replaced by `_`.
    static func word(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
    }
}
