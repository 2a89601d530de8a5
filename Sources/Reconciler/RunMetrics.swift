import Foundation
import KubeAPI
import Planner
import Resources

/// The run's metrics in Prometheus text format: Flagger's canary metrics (so existing dashboards work) and run
/// metrics. The success/failure counters come from `status.counters`, kept in the Canary, so they stay monotonic
/// across runs and `increase()` works on pushed samples.
public enum RunMetrics {
    /// The text exposition.
    public static func text(_ r: RunReport) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
        let canaries = r.canaries.filter { $0.error == nil || $0.status != nil }
        family("flagger_canary_status", "gauge", "Last canary analysis result: 0 running, 1 successful, 2 failed")
        for c in canaries {
            let v = c.phaseAfter == .failed ? 2 : (PlanContext.activePhases.contains(c.phaseAfter) ? 0 : 1)
            lines.append("flagger_canary_status{name=\"\(esc(c.ref.name))\",namespace=\"\(esc(c.ref.namespace))\"} \(v)")
        }
        family("flagger_canary_weight", "gauge", "The virtual service destination weight current value")
        for c in canaries {
            let target = c.plan.map { _ in c.ref.name } ?? c.ref.name
            lines.append("flagger_canary_weight{namespace=\"\(esc(c.ref.namespace))\",workload=\"\(esc(target))-primary\"} \(100 - c.weightAfter)")
            lines.append("flagger_canary_weight{namespace=\"\(esc(c.ref.namespace))\",workload=\"\(esc(target))\"} \(c.weightAfter)")
        }
        family("flagger_canary_metric_analysis", "gauge", "The metric analysis result")
        for c in canaries {
            for k in (c.plan?.checks ?? []) where k.kind == .metric {
                guard let v = k.value else { continue }
                lines.append("flagger_canary_metric_analysis{metric=\"\(esc(k.name))\",name=\"\(esc(c.ref.name))\",namespace=\"\(esc(c.ref.namespace))\"} \(v)")
            }
        }
        family("flagger_canary_successes_total", "counter", "Total number of canary successes (promotions)")
        for c in canaries {
            lines.append("flagger_canary_successes_total{name=\"\(esc(c.ref.name))\",namespace=\"\(esc(c.ref.namespace))\"} \(c.status?.counters?.promotions ?? 0)")
        }
        family("flagger_canary_failures_total", "counter", "Total number of canary failures (rollbacks)")
        for c in canaries {
            lines.append("flagger_canary_failures_total{name=\"\(esc(c.ref.name))\",namespace=\"\(esc(c.ref.namespace))\"} \(c.status?.counters?.rollbacks ?? 0)")
        }
        family("gitcanary_run_duration_seconds", "gauge", "Duration of the last run")
        lines.append("gitcanary_run_duration_seconds \(r.timings["total"] ?? 0)")
        family("gitcanary_run_requests", "gauge", "API requests of the last run by verb")
        for (verb, n) in r.requestsByVerb.sorted(by: { $0.key < $1.key }) { lines.append("gitcanary_run_requests{verb=\"\(verb)\"} \(n)") }
        family("gitcanary_run_errors", "gauge", "Errors of the last run")
        lines.append("gitcanary_run_errors \(r.errors.count + r.manifestErrors.count + r.canaries.filter { $0.error != nil }.count)")
        family("gitcanary_run_last_timestamp_seconds", "gauge", "When the last run ended")
        lines.append("gitcanary_run_last_timestamp_seconds \(Int(Date().timeIntervalSince1970))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// PUTs the metrics to a Pushgateway: `<url>/metrics/job/gitcanary/shard/<index>`.
    public static func push(_ r: RunReport, to gateway: String, http: any HTTPClient) async -> String? {
        let base = gateway.hasSuffix("/") ? String(gateway.dropLast()) : gateway
        let url = "\(base)/metrics/job/gitcanary/shard/\(r.shard.index)"
        let request = HTTPRequest(
            method: "PUT", url: url, headers: [HTTPHeader("Content-Type", "text/plain; version=0.0.4")],
            body: Data(text(r).utf8), timeout: .seconds(10))
        do {
            let response = try await http.send(request)
            return (200..<300).contains(response.status) ? nil : "pushgateway \(url): HTTP \(response.status)"
        } catch {
            return "pushgateway \(url): \(error.description)"
        }
    }
}
