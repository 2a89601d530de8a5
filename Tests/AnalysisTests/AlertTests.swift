import Analysis
import Foundation
import KubeAPI
import Resources
import TestSupport
import Testing

/// Alert payloads per type against a loopback receiver, severity routing and the global target.
@Suite("Alerts over loopback")
struct AlertTests {
    func provider(_ name: String, type: String, address: String? = nil, secret: String? = nil, channel: String? = nil) -> String {
        var spec = #""type":"\#(type)""#
        if let address { spec += #","address":"\#(address)""# }
        if let secret { spec += #","secretRef":{"name":"\#(secret)"}"# }
        if let channel { spec += #","channel":"\#(channel)""# }
        return #"{"apiVersion":"flagger.app/v1beta1","kind":"AlertProvider","metadata":{"name":"\#(name)","namespace":"test"},"spec":{\#(spec)}}"#
    }

    func alert(_ name: String, severity: String?) -> CanaryAlert {
        let sev = severity.map { #","severity":"\#($0)""# } ?? ""
        return try! JSONCoding.decode(CanaryAlert.self, from: JSONParser.parse(#"{"name":"\#(name)","providerRef":{"name":"\#(name)"}\#(sev)}"#))
    }

    @Test("slack, discord, rocket, msteams and gchat payloads, with metadata fields and the cluster name")
    func payloads() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("ok")])
        defer { fake.stop() }
        let types = ["slack", "discord", "rocket", "msteams", "gchat"]
        let objects = try Fixture.objects(types.map { provider($0, type: $0, address: fake.baseURL + "/\($0)", channel: "deploys") })
        let canary = Fixture.canary(alerts: types.map { alert($0, severity: "info") })
        let notifier = AlertNotifier(client: try CurlHTTPClient(), objects: objects, clusterName: "prod-eu")
        let deliveries = await notifier.send(
            Alert(message: "New revision detected, progressing canary analysis.", severity: .info, includeMetadata: true),
            for: canary)
        #expect(deliveries.map(\.delivered) == [true, true, true, true, true], "\(deliveries)")
        let byPath = Dictionary(uniqueKeysWithValues: fake.requests.map { ($0.path, $0) })
        #expect(byPath.keys.sorted() == ["/discord/slack", "/gchat", "/msteams", "/rocket", "/slack"])

        let fields: JSONValue = [
            ["title": "Cluster", "value": "prod-eu", "short": false],
            ["title": "Target", "value": "Deployment/podinfo.test", "short": false],
            ["title": "Failed checks threshold", "value": "5", "short": false],
            ["title": "Progress deadline", "value": "600s", "short": false],
            ["title": "Traffic routing", "value": "Weight step: 10 max: 50", "short": false],
        ]
        let slack = try JSONParser.parse(try #require(byPath["/slack"]).bodyText)
        #expect(slack == [
            "channel": "deploys", "username": "flagger", "icon_url": "", "icon_emoji": ":rocket:",
            "attachments": [[
                "color": "good", "author_name": "podinfo.test", "text": "New revision detected, progressing canary analysis.",
                "mrkdwn_in": ["text"], "fields": fields,
            ]],
        ])
        #expect(byPath["/slack"]?.header("Content-Type") == "application/json")
        #expect(byPath["/gchat"]?.header("Authorization") == nil)
        let rocket = try JSONParser.parse(try #require(byPath["/rocket"]).bodyText)
        #expect(rocket["attachments"]?.arrayValue?.first?["color"] == "#0076D7")
        let teams = try JSONParser.parse(try #require(byPath["/msteams"]).bodyText)
        #expect(teams["@type"] == "MessageCard")
        #expect(teams["@context"] == "http://schema.org/extensions")
        #expect(teams["themeColor"] == "0076D7")
        #expect(teams["summary"] == "podinfo.test")
        #expect(teams["sections"]?.arrayValue?.first?["facts"]?.arrayValue?.first == ["name": "Cluster", "value": "prod-eu"])
        let gchat = try JSONParser.parse(try #require(byPath["/gchat"]).bodyText)
        let card = try #require(gchat["cards"]?.arrayValue?.first)
        #expect(card["header"] == ["title": "Flagger", "subtitle": "podinfo.test", "imageUrl": "https://flagger.app/favicon.png"])
        #expect(card["sections"]?.arrayValue?.count == 6)
        #expect(card["sections"]?.arrayValue?.first == ["widgets": [["textParagraph": ["text": "<font color=#848484><strong>New revision detected, progressing canary analysis.</strong></font>"]]]])
        #expect(card["sections"]?.arrayValue?[1] == ["widgets": [["textParagraph": ["text": "Cluster<br><font color=#848484><strong>prod-eu</strong></font>"]]]])
    }

    @Test("error alerts are red; address and token come from the secret and never show")
    func secretAddress() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("ok")])
        defer { fake.stop() }
        let hookURL = fake.baseURL + "/services/T000/B000/XXXXSECRETPATH"
        let objects = try Fixture.objects([
            provider("team", type: "slack", address: "http://wrong.invalid", secret: "slack-url"),
            Fixture.secret("slack-url", ["address": hookURL, "token": "xoxb-unique-token-777"]),
        ])
        let canary = Fixture.canary(alerts: [alert("team", severity: "error")])
        let notifier = AlertNotifier(client: try CurlHTTPClient(), objects: objects)
        let d = await notifier.send(Alert(message: "Failed checks threshold reached 5", severity: .error), for: canary)
        #expect(d.first?.delivered == true)
        let req = try #require(fake.requests.first)
        #expect(req.path == "/services/T000/B000/XXXXSECRETPATH")
        #expect(req.header("Authorization") == "Bearer xoxb-unique-token-777")
        #expect(try JSONParser.parse(req.bodyText)["attachments"]?.arrayValue?.first?["color"] == "danger")
        #expect(!d.description.contains("XXXXSECRETPATH") && !d.description.contains("xoxb-unique-token-777"))

        // A receiver error: the message names the provider, not the URL.
        let failing = try AnalysisLoopbackReceiver(responses: [.text("invalid_token xoxb-unique-token-777", status: 403)])
        defer { failing.stop() }
        let objects2 = try Fixture.objects([
            provider("team", type: "slack", secret: "slack-url"),
            Fixture.secret("slack-url", ["address": failing.baseURL + "/XXXXSECRETPATH", "token": "xoxb-unique-token-777"]),
        ])
        let d2 = await AlertNotifier(client: try CurlHTTPClient(), objects: objects2).send(
            Alert(message: "m", severity: .error), for: canary)
        #expect(d2.first?.delivered == false)
        #expect(d2.first?.message == "alert provider team.test send error: sending notification bad response 403: invalid_token [redacted]")
    }

    @Test("routing: info gets everything, warn gets warn and error, error only error; no severity means info")
    func routing() {
        let cases: [(String?, AlertSeverity, Bool)] = [
            ("info", .info, true), ("info", .warn, true), ("info", .error, true),
            ("warn", .info, false), ("warn", .warn, true), ("warn", .error, true),
            ("error", .info, false), ("error", .warn, false), ("error", .error, true),
            (nil, .info, true), (nil, .warn, true), (nil, .error, true),
        ]
        for (entry, severity, expected) in cases {
            #expect(AlertNotifier.receives(entry: alert("x", severity: entry), severity: severity) == expected, "\(entry ?? "none") \(severity)")
        }
    }

    @Test("no alerts on the canary: the global target gets every alert; entries route by severity")
    func globalAndFiltering() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("ok")])
        defer { fake.stop() }
        let global = GlobalAlertTarget(type: "msteams", url: fake.baseURL + "/global")
        let notifier = AlertNotifier(
            client: try CurlHTTPClient(),
            objects: try Fixture.objects([provider("errors-only", type: "slack", address: fake.baseURL + "/errors")]),
            global: global)
        _ = await notifier.send(Alert(message: "Canary is waiting for approval.", severity: .warn), for: Fixture.canary())
        #expect(fake.requests.map(\.path) == ["/global"])
        let filtered = Fixture.canary(alerts: [alert("errors-only", severity: "error")])
        let none = await notifier.send(Alert(message: "Canary is waiting for approval.", severity: .warn), for: filtered)
        #expect(none.isEmpty)
        _ = await notifier.send(Alert(message: "Promotion failed, primary not ready: x", severity: .error), for: filtered)
        #expect(fake.requests.map(\.path) == ["/global", "/errors"])
        // A missing provider is reported and skipped.
        let missing = await notifier.send(Alert(message: "m", severity: .error), for: Fixture.canary(alerts: [alert("gone", severity: nil)]))
        #expect(missing.first?.message == #"alert provider gone.test error: alertprovider.flagger.app "gone" not found"#)
    }

    @Test("a proxy receives the alert for the chat address")
    func proxy() async throws {
        let proxy = try AnalysisLoopbackReceiver(responses: [.text("ok")])
        defer { proxy.stop() }
        let global = GlobalAlertTarget(type: "slack", url: "http://chat.invalid/hooks/abc", proxy: proxy.baseURL)
        let d = await AlertNotifier(client: try CurlHTTPClient(), objects: ObjectListAnalysisObjects(objects: []), global: global)
            .send(Alert(message: "m", severity: .info), for: Fixture.canary())
        #expect(d.first?.delivered == true, "\(d)")
        let req = try #require(proxy.requests.first)
        #expect(req.target == "http://chat.invalid/hooks/abc")
        #expect(req.header("Host") == "chat.invalid")
    }
}
