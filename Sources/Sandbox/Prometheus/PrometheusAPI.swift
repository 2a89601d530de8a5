import Foundation
import Resources

/// The Prometheus-compatible query API under `/prometheus/api/v1/query`.
enum PrometheusAPI {
    /// The observers whose builtin queries the API answers, for the error message.
    static let observers = "istio, linkerd, appmesh, contour, gloo, nginx, kubernetes/gatewayapi, skipper, traefik, osm, kuma, apisix and knative"

    /// Answers a query: `(HTTP status, body)`.
    static func query(_ text: String, time: Double, cluster: Cluster) -> (Int, JSONValue) {
        guard let recognized = QueryRecognizer.recognize(text) else {
            return (400, [
                "status": "error", "errorType": "bad_data",
                "error": .string("the GitCanary Sandbox does not evaluate this query (it answers vector(N) and Flagger's builtin request-success-rate/request-duration queries of \(observers)): \(text)"),
            ])
        }
        let value: Double?
        switch recognized {
        case .constant(let v):
            value = v
        case .workload(let measure, let candidates, _):
            if let serving = WorkloadResolver.resolve(candidates, cluster: cluster) {
                switch measure {
                case .ratio(let numerator, let denominator, let complement):
                    func kept(_ f: QueryRecognizer.StatusFilter) -> Double {
                        (f.keepsSuccess ? serving.successRate : 0) + (f.keepsFailure ? 100 - serving.successRate : 0)
                    }
                    let d = kept(denominator)
                    let ratio = d > 0 ? kept(numerator) / d * 100 : nil
                    value = ratio.map { complement ? 100 - $0 : $0 }
                case .duration(let factor):
                    value = serving.latency * factor
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
}
