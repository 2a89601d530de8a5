import Foundation
import Resources

/// Simulated request traffic per workload: counters that grow with the sandbox clock at a fixed rate, with the
/// success rate and latency the workload's pod template annotations say, for `/metrics`.
struct TrafficLedger {
    /// Requests per second every ready workload serves.
    static let requestsPerSecond = 10.0
    /// Istio's default duration buckets (milliseconds).
    static let istioBuckets: [Double] = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000]

    struct Series {
        var total = 0.0
        var errors = 0.0
        var latencySum = 0.0
        /// Observation counts by latency (ms): every request of an interval has the same latency.
        var byLatency: [Double: Double] = [:]

        /// The share of failed requests.
        var errorFraction: Double { total > 0 ? errors / total : 0 }
    }

    /// Keyed by `namespace/name`.
    var series: [String: Series] = [:]
    var last: Date? = nil

    /// The success rate (percent) and latency (ms) a workload serves now, or nil when it has no ready replicas.
    static func serving(_ obj: JSONValue, daemonSet: Bool) -> (successRate: Double, latency: Double)? {
        let ready = daemonSet ? obj["status", "numberReady"]?.intValue ?? 0 : obj["status", "readyReplicas"]?.intValue ?? 0
        guard ready > 0, obj["metadata", "deletionTimestamp"] == nil else { return nil }
        return values(obj["spec", "template", "metadata", "annotations"])
    }

    /// The success rate (percent, default 100) and latency (ms, default 50) pod template annotations ask for.
    static func values(_ annotations: JSONValue?) -> (successRate: Double, latency: Double) {
        let sr = annotations?[SandboxAnnotations.successRate]?.stringValue.flatMap(Double.init) ?? 100
        let latency = annotations?[SandboxAnnotations.latencyMilliseconds]?.stringValue.flatMap(Double.init) ?? 50
        return (min(max(sr, 0), 100), max(latency, 0))
    }

    /// Adds the traffic served from the last accumulation until `now` with the workloads' current values.
    mutating func accumulate(objects: ObjectStore, now: Date) {
        defer { last = now }
        guard let last, now > last else { return }
        let n = Self.requestsPerSecond * now.timeIntervalSince(last)
        let workloads = objects.keys(group: "apps", resource: "deployments").union(objects.keys(group: "apps", resource: "daemonsets"))
        for k in workloads {
            guard let v = objects[k], let s = Self.serving(v, daemonSet: k.resource == "daemonsets") else { continue }
            var entry = series["\(k.namespace)/\(k.name)"] ?? Series()
            entry.total += n
            entry.errors += n * (100 - s.successRate) / 100
            entry.latencySum += n * s.latency
            entry.byLatency[s.latency, default: 0] += n
            series["\(k.namespace)/\(k.name)"] = entry
        }
    }

    /// Bucket bounds for one series: Istio's defaults plus a tight pair around each latency seen, so that
    /// `histogram_quantile(0.99, ...)` lands within 0.01 ms of the configured latency.
    static func bounds(for latencies: some Sequence<Double>) -> [Double] {
        var set = Set(istioBuckets)
        for l in latencies where l > 0 {
            set.insert(l)
            set.insert(l >= 2 ? l - 1 : l * 0.99)
        }
        return set.sorted()
    }

    /// One observer's series: how it labels a workload, its counter and histogram names, its status label.
    struct Family: Sendable {
        /// The request counter (`nil`: the histogram's own series carry the status label, as Traefik's do).
        var counter: String?
        var histogram: String
        /// Label name and the values for successful and failed requests.
        var status: (label: String, success: String, failure: String)
        /// Histogram unit per millisecond (1 for ms, 0.001 for seconds).
        var scale: Double
        var labels: @Sendable (_ namespace: String, _ name: String) -> String
    }

    /// The observers whose builtin queries a real Prometheus can evaluate against `/metrics` (those that label a
    /// workload by its own name; nginx, skipper, apisix and knative name an Ingress, a route or a revision).
    static let families: [Family] = [
        Family(counter: "istio_requests_total", histogram: "istio_request_duration_milliseconds",
               status: ("response_code", "200", "500"), scale: 1) { ns, name in
            "reporter=\"destination\",destination_workload_namespace=\"\(ns)\",destination_workload=\"\(name)\""
        },
        Family(counter: "response_total", histogram: "response_latency_ms",
               status: ("classification", "success", "failure"), scale: 1) { ns, name in
            "namespace=\"\(ns)\",deployment=\"\(name)\",direction=\"inbound\""
        },
        Family(counter: "envoy_cluster_upstream_rq", histogram: "envoy_cluster_upstream_rq_time",
               status: ("envoy_response_code", "200", "503"), scale: 1) { ns, name in
            "envoy_cluster_name=\"\(ns)_\(name)-canary_80\""
        },
        Family(counter: "http_request_duration_seconds_count", histogram: "http_request_duration_seconds",
               status: ("status", "200", "500"), scale: 0.001) { ns, name in
            "kubernetes_namespace=\"\(ns)\",kubernetes_pod_name=\"\(name)-5d8f9c7b6d-x2x4z\""
        },
        // App Mesh: Envoy's counters labelled with the pod.
        Family(counter: "envoy_cluster_upstream_rq", histogram: "envoy_cluster_upstream_rq_time",
               status: ("envoy_response_code", "200", "503"), scale: 1) { ns, name in
            "kubernetes_namespace=\"\(ns)\",kubernetes_pod_name=\"\(name)-5d8f9c7b6d-x2x4z\""
        },
        // Gloo: the canary upstream's Envoy cluster.
        Family(counter: "envoy_cluster_upstream_rq", histogram: "envoy_cluster_upstream_rq_time",
               status: ("envoy_response_code", "200", "503"), scale: 1) { ns, name in
            "envoy_cluster_name=\"\(ns)-\(name)-canaryupstream-80_gloo-system\""
        },
        // Kuma: the data plane's `service` tag of the canary Service.
        Family(counter: "envoy_cluster_upstream_rq", histogram: "envoy_cluster_upstream_rq_time",
               status: ("envoy_response_code", "200", "503"), scale: 1) { ns, name in
            "service=\"\(name)-canary_\(ns)_svc_80\""
        },
        Family(counter: "osm_request_total", histogram: "osm_request_duration_ms",
               status: ("response_code", "200", "500"), scale: 1) { ns, name in
            "destination_namespace=\"\(ns)\",destination_kind=\"Deployment\",destination_name=\"\(name)\""
        },
        Family(counter: nil, histogram: "traefik_service_request_duration_seconds",
               status: ("code", "200", "500"), scale: 0.001) { ns, name in
            "service=\"\(ns)-\(name)-canary-80@kubernetescrd\""
        },
    ]

    /// The Prometheus text exposition: request counters and latency histograms per ready workload, as the istio,
    /// linkerd, contour, generic-HTTP, App Mesh, Gloo, Kuma, OSM and Traefik observers' builtin queries read them.
    /// Families sharing a metric name (the Envoy ones) are emitted under one `# TYPE` header.
    func exposition() -> String {
        var order: [String] = []
        var blocks: [String: (type: String, lines: String)] = [:]
        func emit(_ name: String, _ type: String, _ line: String) {
            if blocks[name] == nil {
                order.append(name)
                blocks[name] = (type, "")
            }
            blocks[name]?.lines += line
        }
        let keys = series.keys.sorted()
        for family in Self.families {
            let h = family.histogram
            for key in keys {
                guard let s = series[key] else { continue }
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                let labels = family.labels(parts.first ?? "", parts.count > 1 ? parts[1] : "")
                let (label, success, failure) = family.status
                let splits = [(success, s.total - s.errors, 1 - s.errorFraction), (failure, s.errors, s.errorFraction)]
                switch family.counter {
                case .some(let counter) where counter == h + "_count":
                    // The generic HTTP observer counts through the histogram's _count, split by status.
                    for (code, n, _) in splits { emit(h, "histogram", "\(counter){\(labels),\(label)=\"\(code)\"} \(Self.number(n))\n") }
                case .some(let counter):
                    for (code, n, _) in splits { emit(counter, "counter", "\(counter){\(labels),\(label)=\"\(code)\"} \(Self.number(n))\n") }
                    emit(h, "histogram", "\(h)_count{\(labels)} \(Self.number(s.total))\n")
                case .none:
                    break
                }
                // Buckets: one set, or one per status when the histogram carries it (Traefik).
                let sets: [(String, Double)] = family.counter == nil
                    ? splits.map { (",\(label)=\"\($0.0)\"", $0.2) } : [("", 1)]
                for (extra, fraction) in sets {
                    for le in Self.bounds(for: s.byLatency.keys) {
                        let count = s.byLatency.filter { $0.key <= le }.reduce(0) { $0 + $1.value } * fraction
                        emit(h, "histogram", "\(h)_bucket{\(labels)\(extra),le=\"\(Self.number(le * family.scale))\"} \(Self.number(count))\n")
                    }
                    emit(h, "histogram", "\(h)_bucket{\(labels)\(extra),le=\"+Inf\"} \(Self.number(s.total * fraction))\n")
                    emit(h, "histogram", "\(h)_sum{\(labels)\(extra)} \(Self.number(s.latencySum * family.scale * fraction))\n")
                    if family.counter == nil {
                        emit(h, "histogram", "\(h)_count{\(labels)\(extra)} \(Self.number(s.total * fraction))\n")
                    }
                }
            }
        }
        var out = ""
        for name in order {
            guard let block = blocks[name] else { continue }
            let what = block.type == "counter" ? "Requests" : "Request latency"
            out += "# HELP \(name) \(what) (simulated by the GitCanary Sandbox).\n# TYPE \(name) \(block.type)\n" + block.lines
        }
        return out
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
