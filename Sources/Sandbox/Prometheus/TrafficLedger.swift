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
    }

    /// Keyed by `namespace/name`.
    var series: [String: Series] = [:]
    var last: Date? = nil

    /// The success rate (percent) and latency (ms) a workload serves now, or nil when it has no ready replicas.
    static func serving(_ obj: JSONValue, daemonSet: Bool) -> (successRate: Double, latency: Double)? {
        let ready = daemonSet ? obj["status", "numberReady"]?.intValue ?? 0 : obj["status", "readyReplicas"]?.intValue ?? 0
        guard ready > 0, obj["metadata", "deletionTimestamp"] == nil else { return nil }
        let annotations = obj["spec", "template", "metadata", "annotations"]
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

    /// The Prometheus text exposition of the istio series.
    func exposition() -> String {
        var out = "# HELP istio_requests_total Total requests (simulated by the GitCanary Sandbox).\n"
        out += "# TYPE istio_requests_total counter\n"
        let keys = series.keys.sorted()
        for key in keys {
            guard let s = series[key] else { continue }
            let labels = Self.labels(key)
            out += "istio_requests_total{\(labels),response_code=\"200\"} \(Self.number(s.total - s.errors))\n"
            out += "istio_requests_total{\(labels),response_code=\"500\"} \(Self.number(s.errors))\n"
        }
        out += "# HELP istio_request_duration_milliseconds Request duration (simulated by the GitCanary Sandbox).\n"
        out += "# TYPE istio_request_duration_milliseconds histogram\n"
        for key in keys {
            guard let s = series[key] else { continue }
            let labels = Self.labels(key)
            for le in Self.bounds(for: s.byLatency.keys) {
                let count = s.byLatency.filter { $0.key <= le }.reduce(0) { $0 + $1.value }
                out += "istio_request_duration_milliseconds_bucket{\(labels),le=\"\(Self.number(le))\"} \(Self.number(count))\n"
            }
            out += "istio_request_duration_milliseconds_bucket{\(labels),le=\"+Inf\"} \(Self.number(s.total))\n"
            out += "istio_request_duration_milliseconds_sum{\(labels)} \(Self.number(s.latencySum))\n"
            out += "istio_request_duration_milliseconds_count{\(labels)} \(Self.number(s.total))\n"
        }
        return out
    }

    private static func labels(_ key: String) -> String {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        let ns = parts.first ?? ""
        let name = parts.count > 1 ? parts[1] : ""
        return "reporter=\"destination\",destination_workload_namespace=\"\(ns)\",destination_workload=\"\(name)\""
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
