import Foundation
import HTTPServer

/// A loopback `/metrics` endpoint whose counters grow with wall time at known rates, so that Prometheus'
/// `rate()` and `histogram_quantile()` over it have a known truth.
///
/// Series (Istio's names): for `workload` in ``namespace``, `istio_requests_total` with `response_code="200"`
/// and `"500"` growing at `requestsPerSecond × (1 − errorFraction)` and `× errorFraction`, and
/// `istio_request_duration_milliseconds_bucket` whose cumulative bucket fractions are ``buckets``. A second
/// workload, ``frozenWorkload``, has constant counters (its rates are 0, so ratios are NaN). The live workload's
/// traffic is also exported as the generic HTTP observer's `http_request_duration_seconds` histogram (seconds,
/// `status` label, pod `<workload>-7d9c8b6f5d-x2x4z`).
public final class PrometheusLoopbackExporter: Sendable {
    /// The namespace label.
    public let namespace: String
    /// The live workload.
    public let workload: String
    /// A workload whose counters never move.
    public let frozenWorkload: String
    /// Requests per second of the live workload.
    public let requestsPerSecond: Double
    /// Fraction of 5xx responses (`requestsPerSecond × errorFraction` and `× bucket fractions` should be whole
    /// numbers, so counters stay exact; the 5xx responses must fit in the first bucket).
    public let errorFraction: Double
    /// Histogram buckets: upper bound (ms) → cumulative fraction of requests; the last must be 1.
    public let buckets: [(le: Double, fraction: Double)]
    private let start: Date
    private let server: HTTPServer

    /// Starts the exporter on a free loopback port.
    public init(
        namespace: String = "test", workload: String = "podinfo", frozenWorkload: String = "frozen",
        requestsPerSecond: Double = 200, errorFraction: Double = 0.03,
        buckets: [(le: Double, fraction: Double)] = [
            (5, 0.2), (10, 0.5), (25, 0.8), (50, 0.9), (100, 0.95), (250, 0.98), (500, 1.0),
        ]
    ) throws {
        self.namespace = namespace
        self.workload = workload
        self.frozenWorkload = frozenWorkload
        self.requestsPerSecond = requestsPerSecond
        self.errorFraction = errorFraction
        self.buckets = buckets
        let start = Date().addingTimeInterval(-60)  // counters start well above zero
        self.start = start
        let text: @Sendable () -> String = { [namespace, workload, frozenWorkload, requestsPerSecond, errorFraction, buckets] in
            Self.exposition(
                elapsed: Date().timeIntervalSince(start), namespace: namespace, workload: workload,
                frozen: frozenWorkload, rps: requestsPerSecond, errorFraction: errorFraction, buckets: buckets)
        }
        server = try HTTPServer(port: 0) { request in
            request.path == "/metrics" ? .text(text(), contentType: "text/plain; version=0.0.4") : .text("not found", status: 404)
        }
    }

    deinit { server.stop() }

    /// `127.0.0.1:<port>` for a scrape config.
    public var target: String { "127.0.0.1:\(server.port)" }
    /// Stops serving.
    public func stop() { server.stop() }

    /// The success rate (percent) the exporter's rates imply.
    public var trueSuccessRate: Double { 100 * (1 - errorFraction) }

    /// The P99 (ms) `histogram_quantile` computes from these buckets (linear interpolation inside a bucket).
    public var trueP99: Double { Self.quantile(0.99, buckets: buckets) }

    static func quantile(_ q: Double, buckets: [(le: Double, fraction: Double)]) -> Double {
        var lowerBound = 0.0
        var lowerFraction = 0.0
        for b in buckets {
            if q <= b.fraction {
                return lowerBound + (b.le - lowerBound) * (q - lowerFraction) / (b.fraction - lowerFraction)
            }
            lowerBound = b.le
            lowerFraction = b.fraction
        }
        return lowerBound
    }

    static func exposition(
        elapsed: Double, namespace: String, workload: String, frozen: String, rps: Double, errorFraction: Double,
        buckets: [(le: Double, fraction: Double)]
    ) -> String {
        // Counters move in whole seconds, so every series is (whole seconds) × (its own integer rate): whatever
        // the scrape phase, ratios between series (success rate, bucket shares) are exact.
        let seconds = elapsed.rounded(.down)
        let total = seconds * rps
        let errors = (seconds * rps * errorFraction).rounded()
        func count(_ fraction: Double, of t: Double) -> Int64 { Int64((t * fraction).rounded()) }
        func labels(_ w: String, _ extra: String) -> String {
            #"reporter="destination",destination_workload_namespace="\#(namespace)",destination_workload="\#(w)"\#(extra)"#
        }
        func le(_ v: Double) -> String { v == v.rounded() ? String(Int64(v)) : String(v) }
        var lines = ["# TYPE istio_requests_total counter"]
        for (w, t, e) in [(workload, total, errors), (frozen, 1000.0, 10.0)] {
            lines.append(#"istio_requests_total{\#(labels(w, #",response_code="200""#))} \#(Int64(t - e))"#)
            lines.append(#"istio_requests_total{\#(labels(w, #",response_code="500""#))} \#(Int64(e))"#)
        }
        lines.append("# TYPE istio_request_duration_milliseconds histogram")
        for (w, t) in [(workload, total), (frozen, 1000.0)] {
            for b in buckets {
                lines.append(#"istio_request_duration_milliseconds_bucket{\#(labels(w, #",le=""#))\#(le(b.le))"} \#(count(b.fraction, of: t))"#)
            }
            lines.append(#"istio_request_duration_milliseconds_bucket{\#(labels(w, #",le="+Inf""#))} \#(Int64(t))"#)
            lines.append(#"istio_request_duration_milliseconds_count{\#(labels(w, ""))} \#(Int64(t))"#)
        }
        // The same traffic as the generic HTTP observer sees it: seconds, a status label, the pod of a Deployment.
        // The 5xx responses are the fastest (first bucket), so the sum over statuses has exactly `buckets`.
        let pod = #"kubernetes_namespace="\#(namespace)",kubernetes_pod_name="\#(workload)-7d9c8b6f5d-x2x4z""#
        lines.append("# TYPE http_request_duration_seconds histogram")
        for (status, errorsOnly) in [("200", false), ("500", true)] {
            for b in buckets {
                let c = errorsOnly ? Int64(errors) : count(b.fraction, of: total) - Int64(errors)
                lines.append(#"http_request_duration_seconds_bucket{\#(pod),status="\#(status)",le="\#(b.le / 1000)"} \#(c)"#)
            }
            let all = errorsOnly ? Int64(errors) : Int64(total - errors)
            lines.append(#"http_request_duration_seconds_bucket{\#(pod),status="\#(status)",le="+Inf"} \#(all)"#)
            lines.append(#"http_request_duration_seconds_count{\#(pod),status="\#(status)"} \#(all)"#)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
