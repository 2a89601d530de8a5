/// How each of Flagger's builtin observers names the workload in the labels of its query (the first selector of
/// the query): the observer's name and the candidate namespace/workload readings.
enum ObserverSelectors {
    typealias Candidate = QueryRecognizer.Candidate

    /// The observer and candidates for a selector, or nil when the metric or its labels are not an observer's.
    static func candidates(metric: String, labels l: [String: String]) -> (String, [Candidate])? {
        switch metric {
        case "istio_requests_total", "istio_request_duration_milliseconds_bucket":
            guard let ns = l["destination_workload_namespace"], let target = l["destination_workload"] else { return nil }
            return ("istio", [Candidate(namespace: ns, workload: .named(unanchor(target)))])
        case "response_total", "response_latency_ms_bucket":
            guard let ns = l["namespace"], let target = l["deployment"] else { return nil }
            return ("linkerd", [Candidate(namespace: ns, workload: .named(unanchor(target)))])
        case "osm_request_total", "osm_request_duration_ms_bucket":
            guard let ns = l["destination_namespace"], let target = l["destination_name"] else { return nil }
            return ("osm", [Candidate(namespace: ns, workload: .named(unanchor(target)))])
        case "nginx_ingress_controller_requests", "nginx_ingress_controller_response_duration_seconds_sum",
            "nginx_ingress_controller_ingress_upstream_latency_seconds_sum":
            guard let ns = l["namespace"], let ingress = l["ingress"] else { return nil }
            return ("nginx", [Candidate(namespace: ns, workload: .ingress(unanchor(ingress)))])
        case "http_request_duration_seconds_count", "http_request_duration_seconds_bucket":
            guard let c = podPrefix(l) else { return nil }
            return ("http", [c])
        case "envoy_cluster_upstream_rq", "envoy_cluster_upstream_rq_time_bucket":
            return envoy(l)
        case "traefik_service_request_duration_seconds_bucket":
            // service=~"<ns>-<target>-canary-[0-9a-zA-Z-]+@kubernetescrd"
            guard let service = l["service"], let cut = service.range(of: "-canary-", options: .backwards) else { return nil }
            return ("traefik", joined(String(service[..<cut.lowerBound])))
        case "apisix_http_status", "apisix_http_latency_bucket":
            // route=~"<ns>_<route>-<target>-canary_.+"
            guard let route = l["route"], let underscore = route.firstIndex(of: "_"),
                let cut = route.range(of: "-canary_", options: .backwards), underscore < cut.lowerBound
            else { return nil }
            let ns = String(route[..<underscore])
            let middle = route[route.index(after: underscore)..<cut.lowerBound]
            var out: [Candidate] = []
            for i in middle.indices where middle[i] == "-" {
                out.append(Candidate(namespace: ns, workload: .named(String(middle[middle.index(after: i)...]))))
            }
            return ("apisix", out)
        case "skipper_response_duration_seconds_bucket", "skipper_serve_route_duration_seconds_sum":
            // route=~"kube(ew)?_<ns>__<ingress>_canary__.*__<service>_canary(_[0-9]+)?" (non-word characters as `_`)
            guard let route = l["route"], route.hasPrefix("kube(ew)?_"), let nsEnd = route.range(of: "__"),
                let svcStart = route.range(of: "__", options: .backwards)
            else { return nil }
            let ns = String(route[route.index(route.startIndex, offsetBy: "kube(ew)?_".count)..<nsEnd.lowerBound])
            var service = Substring(route[svcStart.upperBound...])
            if service.hasSuffix("(_[0-9]+)?") { service = service.dropLast("(_[0-9]+)?".count) }
            guard service.hasSuffix("_canary") else { return nil }
            service = service.dropLast("_canary".count)
            return ("skipper", [Candidate(namespace: ns, workload: .skipperWords(namespace: ns, service: String(service)))])
        default:
            return nil
        }
    }

    /// The Envoy counters: App Mesh (pod name), Kuma (`service`), Knative (`<ns>/<revision>`), Gloo
    /// (`<ns>-<target>-canaryupstream-…`) and Contour (`<ns>_<service>-canary_…`).
    static func envoy(_ l: [String: String]) -> (String, [Candidate])? {
        if l["kubernetes_pod_name"] != nil {
            guard let c = podPrefix(l) else { return nil }
            return ("appmesh", [c])
        }
        if let service = l["service"] {
            // service=~"<target>-canary_<ns>_svc_[0-9a-zA-Z-]+"
            let parts = service.split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts[0].hasSuffix("-canary"), parts[2] == "svc" else { return nil }
            return ("kuma", [Candidate(namespace: String(parts[1]), workload: .named(String(parts[0].dropLast("-canary".count))))])
        }
        guard let cluster = l["envoy_cluster_name"] else { return nil }
        if let slash = cluster.firstIndex(of: "/") {
            let ns = String(cluster[..<slash])
            return ("knative", [Candidate(namespace: ns, workload: .knativeRevision(unanchor(String(cluster[cluster.index(after: slash)...]))))])
        }
        if let cut = cluster.range(of: "-canaryupstream-") {
            return ("gloo", joined(String(cluster[..<cut.lowerBound])))
        }
        guard let underscore = cluster.firstIndex(of: "_"), let canary = cluster.range(of: "-canary_", options: .backwards),
            underscore < canary.lowerBound
        else { return nil }
        let ns = String(cluster[..<underscore])
        let service = String(cluster[cluster.index(after: underscore)..<canary.lowerBound])
        return ("contour", [Candidate(namespace: ns, workload: .service(service + "-canary"))])
    }

    /// `kubernetes_namespace` and `kubernetes_pod_name=~"<target>-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`.
    static func podPrefix(_ l: [String: String]) -> Candidate? {
        guard let ns = l["kubernetes_namespace"], let pod = l["kubernetes_pod_name"],
            let cut = pod.range(of: "-[0-9a-zA-Z]+")
        else { return nil }
        return Candidate(namespace: ns, workload: .named(String(pod[..<cut.lowerBound])))
    }

    /// Every split of `<ns>-<target>` at a `-` (Kubernetes names may contain `-` themselves).
    static func joined(_ prefix: String) -> [Candidate] {
        prefix.indices.filter { prefix[$0] == "-" }.map { i in
            Candidate(namespace: String(prefix[..<i]), workload: .named(String(prefix[prefix.index(after: i)...])))
        }
    }

    static func unanchor(_ v: String) -> String {
        var s = Substring(v)
        if s.hasPrefix("^") { s = s.dropFirst() }
        if s.hasSuffix("$") { s = s.dropLast() }
        return String(s)
    }
}
