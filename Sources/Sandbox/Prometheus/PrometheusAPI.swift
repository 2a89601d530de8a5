import Foundation
import Resources

/// The Prometheus-compatible query API under `/prometheus/api/v1/query`.
enum PrometheusAPI {
    /// Answers a query: `(HTTP status, body)`.
    static func query(_ text: String, time: Double, cluster: Cluster) -> (Int, JSONValue) {
        guard let recognized = QueryRecognizer.recognize(text) else {
            return (400, [
                "status": "error", "errorType": "bad_data",
                "error": .string("the GitCanary Sandbox does not evaluate this query (it answers vector(1) and Flagger's builtin request-success-rate/request-duration queries for istio, linkerd, nginx, kubernetes/gatewayapi and contour): \(text)"),
            ])
        }
        let value: Double?
        switch recognized {
        case .constant(let v):
            value = v
        case .workload(let measure, let namespace, let workload, _):
            if let serving = resolve(workload, namespace: namespace, cluster: cluster) {
                switch measure {
                case .successRate: value = serving.successRate
                case .duration(let factor): value = serving.latency * factor
                }
            } else {
                value = nil
            }
        }
        var result: [JSONValue] = []
        if let value {
            result.append(["metric": [:], "value": [.double(time), .string(TrafficLedger.number(value))]])
        }
        return (200, ["status": "success", "data": ["resultType": "vector", "result": .array(result)]])
    }

    /// The serving values of the workload a query names, or nil (no data) when it is absent or not ready.
    static func resolve(_ workload: QueryRecognizer.Workload, namespace: String, cluster: Cluster) -> (successRate: Double, latency: Double)? {
        func named(_ name: String) -> (successRate: Double, latency: Double)?? {
            if let d = cluster.objects[StoreKey(group: "apps", resource: "deployments", namespace: namespace, name: name)] {
                return .some(TrafficLedger.serving(d, daemonSet: false))
            }
            if let d = cluster.objects[StoreKey(group: "apps", resource: "daemonsets", namespace: namespace, name: name)] {
                return .some(TrafficLedger.serving(d, daemonSet: true))
            }
            return nil
        }
        switch workload {
        case .named(let name):
            return named(name) ?? nil
        case .ingress(let ingress):
            if let direct = named(ingress) { return direct }
            let key = StoreKey(group: "networking.k8s.io", resource: "ingresses", namespace: namespace, name: ingress)
            guard let obj = cluster.objects[key] else { return nil }
            var services: [String] = []
            if let s = obj["spec", "defaultBackend", "service", "name"]?.stringValue { services.append(s) }
            for rule in obj["spec", "rules"]?.arrayValue ?? [] {
                for p in rule["http", "paths"]?.arrayValue ?? [] {
                    if let s = p["backend", "service", "name"]?.stringValue { services.append(s) }
                }
            }
            for service in services {
                for candidate in [service, stripped(service)] {
                    if let found = named(candidate) { return found }
                }
            }
            return nil
        }
    }

    private static func stripped(_ service: String) -> String {
        for suffix in ["-primary", "-canary"] where service.hasSuffix(suffix) {
            return String(service.dropLast(suffix.count))
        }
        return service
    }
}
