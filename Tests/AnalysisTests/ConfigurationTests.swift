import Analysis
import Foundation
import Resources
import Testing

@Suite("Configuration and observed objects")
struct ConfigurationTests {
    @Test("global alert target from Flagger's flags: MS Teams wins, Slack needs a channel")
    func globalTarget() {
        #expect(GlobalAlertTarget.fromFlags() == nil)
        #expect(GlobalAlertTarget.fromFlags(slackURL: "https://hooks.slack.com/x") == nil)
        let slack = GlobalAlertTarget.fromFlags(slackURL: "https://hooks.slack.com/x", slackChannel: "ops")
        #expect(slack?.type == "slack")
        #expect(slack?.username == "flagger")
        #expect(slack?.channel == "ops")
        let teams = GlobalAlertTarget.fromFlags(
            slackURL: "https://hooks.slack.com/x", slackChannel: "ops", msteamsURL: "https://teams/x", msteamsProxy: "http://proxy:3128")
        #expect(teams?.type == "msteams")
        #expect(teams?.proxy == "http://proxy:3128")
    }

    @Test("Flagger's defaults")
    func defaults() {
        let c = AnalyzerConfiguration()
        #expect(c.metricsServer == "http://prometheus:9090")
        #expect(c.meshProvider == "istio")
        #expect(c.queryTimeout == .seconds(5))
        #expect(c.retry == RetryPolicy(base: .seconds(1), cap: .seconds(30)))
        #expect(Deadline.defaultRunBudget == .seconds(120))
        #expect(Deadline.unbounded.remaining == nil)
        #expect(Deadline(after: .zero).isExpired)
        let d = Deadline(after: .seconds(60))
        #expect(d.cap(.seconds(5)) == (.seconds(5), false))
        #expect(d.cap(.seconds(600)).cappedByBudget)
    }

    @Test("observed objects: Secret data decoded, stringData wins, undecodable templates reported")
    func objects() throws {
        let objects = try Fixture.objects([
            #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"ns"},"data":{"token":"YWJj","user":"dXNlcg=="},"stringData":{"token":"plain"}}"#,
            #"{"apiVersion":"flagger.app/v1beta1","kind":"MetricTemplate","metadata":{"name":"broken","namespace":"ns"},"spec":{"query":"x"}}"#,
            Fixture.template("ok", namespace: "ns", type: "prometheus", address: "http://p", query: "x"),
        ])
        #expect(objects.secretData(namespace: "ns", name: "s") == ["token": Data("plain".utf8), "user": Data("user".utf8)])
        #expect(objects.metricTemplate(namespace: "ns", name: "ok")?.spec.query == "x")
        #expect(objects.metricTemplate(namespace: "ns", name: "broken") == nil)
        #expect(objects.decodingProblems.count == 1)
        #expect(objects.decodingProblems.first?.hasPrefix("MetricTemplate ns/broken") == true)
        #expect(objects.knativeLatestRevision(namespace: "ns", name: "x") == nil)
    }

    @Test("Go formatting of values and durations")
    func goFormat() {
        #expect(GoFormat.value(99) == "99")
        #expect(GoFormat.value(99.5) == "99.5")
        #expect(GoFormat.fixed(95.456, decimals: 2) == "95.46")
        #expect(GoFormat.duration(milliseconds: 0) == "0s")
        #expect(GoFormat.duration(milliseconds: 250) == "250ms")
        #expect(GoFormat.duration(milliseconds: 1500) == "1.5s")
        #expect(GoFormat.duration(milliseconds: 60000) == "1m0s")
        #expect(GoFormat.duration(milliseconds: 7_230_050) == "2h0m30.05s")
    }
}
