import Analysis
import Foundation
import KubeAPI
import Resources
import TestSupport
import Testing

/// Builtin and inline metrics against a real Prometheus (Debian's binary) scraping a loopback exporter whose
/// rates are known.
@Suite("Real Prometheus", .serialized, .enabled(if: PrometheusServer.binary != nil))
struct PrometheusIntegrationTests {
    @Test("success rate, P99, no data, NaN and a bad query against a real Prometheus")
    func realPrometheus() async throws {
        let exporter = try PrometheusLoopbackExporter(requestsPerSecond: 200, errorFraction: 0.03)
        defer { exporter.stop() }
        let prometheus = try await PrometheusServer(scrapeTargets: [exporter.target], readyTimeout: 30)
        defer { prometheus.stop() }
        // Wait (with a deadline) until rate() has two samples over the live workload.
        let ready = await prometheus.waitForValue(
            #"sum(rate(istio_requests_total{destination_workload="podinfo"}[1m]))"#, deadline: 45) { $0 > 0 }
        try #require(ready != nil, "Prometheus never produced a rate for the exporter")

        let client = try CurlHTTPClient()
        let analyzer = Fixture.analyzer(
            client, configuration: AnalyzerConfiguration(metricsServer: prometheus.baseURL))
        let canary = Fixture.canary(
            metrics: [Fixture.metric("request-success-rate", min: 99), Fixture.metric("request-duration", max: 500)])

        // Success rate: 97 % truth, below the 99 % minimum.
        let rate = await analyzer.evaluate(metric: canary.spec.analysis!.metrics![0], of: canary, at: Fixture.now)
        let rateValue = try #require(rate.value)
        #expect(abs(rateValue - exporter.trueSuccessRate) < 0.5, "success rate \(rateValue) vs \(exporter.trueSuccessRate)")
        #expect(rate.verdict == .fail)
        #expect(rate.message.hasPrefix("Halt podinfo.test advancement success rate 9"))
        #expect(rate.message.hasSuffix("% < 99%"))
        #expect(rate.query?.contains(#"destination_workload=~"podinfo""#) == true)

        // P99: the histogram's truth is 375 ms; within the 500 ms maximum.
        let duration = await analyzer.evaluate(metric: canary.spec.analysis!.metrics![1], of: canary, at: Fixture.now)
        let p99 = try #require(duration.value)
        #expect(abs(p99 - exporter.trueP99) <= exporter.trueP99 * 0.05, "P99 \(p99) vs \(exporter.trueP99)")
        #expect(duration.verdict == .pass, "\(duration.message)")
        print("real Prometheus: success rate \(rateValue) (truth \(exporter.trueSuccessRate)), P99 \(p99) ms (truth \(exporter.trueP99))")

        // No data: a workload with no series.
        let absent = Fixture.canary(target: "absent", metrics: [Fixture.metric("request-success-rate", min: 99)])
        let noData = await analyzer.evaluate(metric: absent.spec.analysis!.metrics![0], of: absent, at: Fixture.now)
        #expect(noData.verdict == .fail)
        #expect(
            noData.message
                == "Halt advancement no values found for istio metric request-success-rate probably absent.test is not receiving traffic: no values found")

        // NaN: constant counters make 0/0.
        let frozen = Fixture.canary(target: "frozen", metrics: [Fixture.metric("request-success-rate", min: 99, onNoData: "hold")])
        let nan = await analyzer.evaluate(metric: frozen.spec.analysis!.metrics![0], of: frozen, at: Fixture.now)
        #expect(nan.verdict == .hold, "\(nan.message)")
        #expect(nan.message.contains("no values found for istio metric request-success-rate probably frozen.test"))

        // A bad query: Prometheus' own error text comes through.
        var bad = Fixture.metric("broken", max: 1, query: "sum(rate(istio_requests_total[{{ interval }}])")
        bad.interval = "1m"
        let badRecord = await analyzer.evaluate(metric: bad, of: canary, at: Fixture.now)
        #expect(badRecord.verdict == .fail)
        #expect(badRecord.message.hasPrefix("Prometheus query failed for broken: error response: Status 400 Bad Request: bad_data: "))

        // Inline query with a range vector.
        let range = Fixture.metric("range", max: 1, query: "istio_requests_total[1m]")
        let rangeRecord = await analyzer.evaluate(metric: range, of: canary, at: Fixture.now)
        #expect(rangeRecord.message.contains("query returned multiple values") || rangeRecord.message.contains("bad_data"),
            "\(rangeRecord.message)")

        // The generic HTTP observer (provider kubernetes): pod-name regex, status label, seconds → milliseconds.
        let http = Fixture.canary(
            provider: "kubernetes",
            metrics: [Fixture.metric("request-success-rate", min: 99), Fixture.metric("request-duration", max: 500)])
        let httpRate = await analyzer.evaluate(metric: http.spec.analysis!.metrics![0], of: http, at: Fixture.now)
        #expect(abs((httpRate.value ?? 0) - exporter.trueSuccessRate) < 0.5, "\(httpRate.message)")
        let httpP99 = await analyzer.evaluate(metric: http.spec.analysis!.metrics![1], of: http, at: Fixture.now)
        #expect(abs((httpP99.value ?? 0) - exporter.trueP99) <= exporter.trueP99 * 0.05, "\(httpP99.message) \(httpP99.query ?? "")")

        // Every observer's builtin queries are valid PromQL: Prometheus answers (no data here), never bad_data.
        let model = MetricTemplateModel(
            name: "podinfo", namespace: "test", target: "podinfo", service: "podinfo", ingress: "podinfo",
            route: "podinfo", interval: "1m")
        let provider = try PrometheusProvider(
            settings: MetricTemplateProviderSettings(type: "prometheus", address: prometheus.baseURL), client: client)
        for observer in Observer.allCases {
            for query in [try observer.successRateQuery(model), try observer.durationQuery(model)] {
                do {
                    _ = try await provider.runQuery(query, at: Fixture.now, deadline: .unbounded)
                } catch {
                    #expect(error.isNoValues, "\(observer): \(error) for \(query)")
                }
            }
        }

        // Provider availability: vector(1) answers 1.
        let available = await analyzer.isProviderAvailable(for: canary)
        #expect(available.verdict == .pass)
        #expect(available.message == "all the metrics providers are available!")
    }
}
