import Analysis
import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

/// Metric sources that are unreachable, broken or missing: the check record fails with a message that names the
/// metric and the server or template, and nothing crashes.
@Suite("Hostile metric sources")
struct HostileAnalysisTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("each case gives a failed (or held) check naming the metric and its source")
    func table() async throws {
        let garbage = try AnalysisLoopbackReceiver { _, _ in .text("<html>bad gateway</html>", status: 502) }
        defer { garbage.stop() }
        let notJSON = try AnalysisLoopbackReceiver { _, _ in .text("this is not json", status: 200) }
        defer { notJSON.stop() }
        let objects = try Fixture.objects([
            Fixture.template("down", type: "prometheus", address: "http://127.0.0.1:1", query: "up"),
            Fixture.template("vars", type: "prometheus", address: notJSON.baseURL, query: "rate({{ variables.missing }}[1m])"),
            Fixture.template("nosecret", type: "prometheus", address: notJSON.baseURL, query: "up", secret: "gone"),
            Fixture.template("weird", type: "carrier-pigeon", address: notJSON.baseURL, query: "up"),
        ])
        let http = try CurlHTTPClient()
        let analyzer = Fixture.analyzer(http, objects: objects,
                                        configuration: AnalyzerConfiguration(metricsServer: "http://127.0.0.1:1"))
        let cases: [(input: String, canary: Canary, metric: CanaryMetric, expected: [String])] = [
            ("unreachable Prometheus (builtin metric, connection refused)", Fixture.canary(),
             Fixture.metric("request-success-rate", min: 99), ["request-success-rate", "127.0.0.1:1"]),
            ("unreachable Prometheus (MetricTemplate address)", Fixture.canary(),
             Fixture.metric("errors", max: 1, template: "down"), ["errors", "127.0.0.1:1"]),
            ("Prometheus answering 502 HTML", Fixture.canary(metricsServer: garbage.baseURL),
             Fixture.metric("request-success-rate", min: 99), ["request-success-rate", "502"]),
            ("Prometheus answering 200 with a non-JSON body", Fixture.canary(metricsServer: notJSON.baseURL),
             Fixture.metric("request-duration", max: 500), ["request-duration", "error unmarshaling result"]),
            ("templateRef naming a missing MetricTemplate", Fixture.canary(),
             Fixture.metric("latency", max: 1, template: "missing"), ["latency", "missing"]),
            ("MetricTemplate using an undefined variable", Fixture.canary(),
             Fixture.metric("rate", max: 1, template: "vars"), ["rate", "missing"]),
            ("MetricTemplate whose secretRef Secret is missing", Fixture.canary(),
             Fixture.metric("auth", max: 1, template: "nosecret"), ["auth", "gone"]),
            ("MetricTemplate with an unknown provider type", Fixture.canary(),
             Fixture.metric("pigeon", max: 1, template: "weird"), ["pigeon", "carrier-pigeon"]),
            ("custom metric without a query or template", Fixture.canary(),
             Fixture.metric("nothing", max: 1), ["nothing", "no usable metrics template and query"]),
        ]
        var records: [HostileInputRecord] = []
        for c in cases {
            let check = await analyzer.evaluate(metric: c.metric, of: c.canary, at: Fixture.now)
            #expect(check.verdict == .fail || check.verdict == .hold, "\(c.input): \(check.verdict) \(check.message)")
            let line = "\(check.name): \(check.message)"
            for s in c.expected { #expect(line.contains(s), "\(c.input): \(line)") }
            records.append(HostileInputRecord(input: c.input, error: "podinfo.test metric \(check.name): \(check.verdict.rawValue): \(check.message)"))
        }
        try HostileInputDoc.record(section: "analysis", title: "Metric sources (Analysis check records)",
                                   packageRoot: Self.packageRoot, records)
    }
}
