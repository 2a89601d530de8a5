import Analysis
import Foundation
import HTTPServer
import KubeAPI
import Resources
import TestSupport
import Testing

/// Hooks against a loopback receiver over the real libcurl client; back-off in milliseconds.
@Suite("Webhooks over loopback")
struct WebhookTests {
    static let fastRetry = RetryPolicy(base: .milliseconds(10), cap: .milliseconds(50))

    func analyzer(deadline: Deadline = .unbounded, eventWebhook: String? = nil) throws -> Analyzer {
        Fixture.analyzer(
            try CurlHTTPClient(),
            configuration: AnalyzerConfiguration(retry: Self.fastRetry, eventWebhook: eventWebhook), deadline: deadline)
    }

    func hook(_ url: String, type: String? = nil, timeout: String? = nil, retries: Int? = nil, metadata: [String: String]? = nil)
        -> CanaryWebhook
    {
        var h = CanaryWebhook(name: "gate", url: url, type: type)
        h.timeout = timeout
        h.retries = retries
        h.metadata = metadata
        return h
    }

    @Test("payload: POST JSON {name, namespace, phase, checksum, metadata} exactly")
    func payload() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("ok", status: 200)])
        defer { fake.stop() }
        let h = hook(fake.baseURL + "/hooks/pre", type: "pre-rollout", metadata: ["cmd": "hey -z 1m http://podinfo-canary.test:9898/", "type": "bash"])
        let r = try await analyzer().call(webhook: h, of: Fixture.canary(), phase: .progressing, checksum: "7f9d4c", at: Fixture.now)
        #expect(r.verdict == .pass)
        #expect(r.status == 200)
        #expect(r.kind == .webhook)
        let req = try #require(fake.requests.first)
        #expect(req.method == "POST")
        #expect(req.path == "/hooks/pre")
        #expect(req.header("Content-Type") == "application/json")
        let body = try JSONParser.parse(req.bodyText)
        let expected: JSONValue = [
            "name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "7f9d4c",
            "metadata": ["cmd": "hey -z 1m http://podinfo-canary.test:9898/", "type": "bash"],
        ]
        #expect(body == expected)
        #expect(body.objectValue?.keys == ["name", "namespace", "phase", "checksum", "metadata"])
        // No metadata: the key is omitted.
        _ = try await analyzer().call(webhook: hook(fake.baseURL), of: Fixture.canary(), phase: .waiting, checksum: "c", at: Fixture.now)
        #expect(try JSONParser.parse(fake.requests[1].bodyText)["metadata"] == nil)
    }

    @Test("retries: 500 then 202 succeeds on the second attempt")
    func retriesThenSuccess() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("boom", status: 500), .text("accepted", status: 202)])
        defer { fake.stop() }
        let r = try await analyzer().call(
            webhook: hook(fake.baseURL, retries: 2), of: Fixture.canary(), phase: .progressing, checksum: "c", at: Fixture.now)
        #expect(r.verdict == .pass)
        #expect(r.status == 202)
        #expect(fake.requests.count == 2)
    }

    @Test("retries exhausted: Flagger's 'giving up' text without the body; 501 and 4xx are not retried")
    func givingUp() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("secret stack trace", status: 503)])
        defer { fake.stop() }
        let r = try await analyzer().call(
            webhook: hook(fake.baseURL + "/x?token=abc", retries: 2), of: Fixture.canary(), phase: .progressing, checksum: "c",
            at: Fixture.now)
        #expect(r.verdict == .fail)
        #expect(r.status == 503)
        #expect(fake.requests.count == 3)
        #expect(r.message == "POST \(fake.baseURL)/x giving up after 3 attempt(s): HTTP 503 Service Unavailable")

        let once = try AnalysisLoopbackReceiver(responses: [.text("not implemented", status: 501)])
        defer { once.stop() }
        let r2 = try await analyzer().call(webhook: hook(once.baseURL, retries: 3), of: Fixture.canary(), phase: .progressing, checksum: "c", at: Fixture.now)
        #expect(once.requests.count == 1)
        #expect(r2.message == "not implemented")
    }

    @Test("a gate answering 403 fails with the body; 203 and 204 are failures as in Flagger")
    func gateAndStatusRule() async throws {
        let fake = try AnalysisLoopbackReceiver { req, _ in
            switch req.path {
            case "/gate/halt": return .text("Forbidden", status: 403)
            case "/203": return .text("", status: 203)
            default: return HTTPServerResponse(status: 204)
            }
        }
        defer { fake.stop() }
        let a = try analyzer()
        let c = Fixture.canary()
        let halt = await a.call(webhook: hook(fake.baseURL + "/gate/halt", type: "confirm-rollout", retries: 3), of: c, phase: .waiting, checksum: "c", at: Fixture.now)
        #expect(halt.verdict == .fail)
        #expect(halt.status == 403)
        #expect(halt.message == "Forbidden")
        #expect(fake.requests.count == 1)
        let r203 = await a.call(webhook: hook(fake.baseURL + "/203"), of: c, phase: .progressing, checksum: "c", at: Fixture.now)
        #expect(r203.verdict == .fail)
        #expect(r203.message == "HTTP 203 Non-Authoritative Information")
        let r204 = await a.call(webhook: hook(fake.baseURL + "/204"), of: c, phase: .progressing, checksum: "c", at: Fixture.now)
        #expect(r204.verdict == .fail)
        #expect(r204.status == 204)
    }

    @Test("per-hook timeout: a hung receiver fails after the timeout, each retry bounded")
    func timeout() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.hang])
        defer { fake.stop() }
        let start = ContinuousClock.now
        let r = try await analyzer().call(
            webhook: hook(fake.baseURL, timeout: "300ms", retries: 1), of: Fixture.canary(), phase: .progressing,
            checksum: "c", at: Fixture.now)
        let elapsed = start.duration(to: .now)
        #expect(r.verdict == .fail)
        #expect(r.message.contains("giving up after 2 attempt(s)"))
        #expect(r.message.lowercased().contains("timed out"), "\(r.message)")
        #expect(fake.requests.count == 2)
        // Two bounded attempts; no upper wall-clock bound here: a shared test process may stall its threads.
        #expect(elapsed >= .milliseconds(600), "\(elapsed)")
    }

    @Test("the run's budget cuts a hung hook short: verdict hold, nothing concluded")
    func budget() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.hang])
        defer { fake.stop() }
        let r = try await analyzer(deadline: Deadline(after: .milliseconds(400))).call(
            webhook: hook(fake.baseURL, timeout: "10s", retries: 5), of: Fixture.canary(), phase: .progressing,
            checksum: "c", at: Fixture.now)
        #expect(r.verdict == .hold)
        #expect(r.message.hasPrefix("Not done: the run's time budget ended before webhook gate"))
        // At most one attempt, cut by the budget: no retry started (unbounded, it would take 6 × 10 s).
        #expect(fake.requests.count <= 1)
        // Retries stop when the budget cannot cover the back-off.
        let failing = try AnalysisLoopbackReceiver(responses: [.text("x", status: 500)])
        defer { failing.stop() }
        let slow = Fixture.analyzer(
            try CurlHTTPClient(), configuration: AnalyzerConfiguration(retry: RetryPolicy(base: .seconds(5))),
            deadline: Deadline(after: .seconds(2)))
        let r2 = await slow.call(webhook: hook(failing.baseURL, retries: 3), of: Fixture.canary(), phase: .progressing, checksum: "c", at: Fixture.now)
        #expect(r2.verdict == .hold)
        #expect(failing.requests.count <= 1)
    }

    @Test("connection refused is retried, then fails")
    func connectionRefused() async throws {
        let port = try PrometheusServer.freePort()
        let r = try await analyzer().call(
            webhook: hook("http://127.0.0.1:\(port)/hook", retries: 1), of: Fixture.canary(), phase: .progressing,
            checksum: "c", at: Fixture.now)
        #expect(r.verdict == .fail)
        #expect(r.status == nil)
        #expect(r.message.hasPrefix("POST http://127.0.0.1:\(port)/hook giving up after 2 attempt(s): "))
    }

    @Test("event hooks: eventMessage, eventType, timestamp; hook metadata cannot override them")
    func eventHooks() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("ok")])
        defer { fake.stop() }
        let event = hook(fake.baseURL + "/events", type: "event", metadata: ["eventType": "ignored", "team": "web"])
        let canary = Fixture.canary(webhooks: [event, hook(fake.baseURL + "/other", type: "rollout")])
        let records = try await analyzer(eventWebhook: fake.baseURL + "/global").callEventWebhooks(
            canary: canary, message: "New revision detected! Scaling up podinfo.test", eventType: "Normal",
            checksum: "c1", at: Fixture.now)
        #expect(records.count == 1)
        #expect(fake.requests.map(\.path) == ["/events"])
        let body = try JSONParser.parse(try #require(fake.requests.first).bodyText)
        #expect(body["phase"] == "Progressing")
        #expect(body["metadata"] == [
            "eventMessage": "New revision detected! Scaling up podinfo.test", "eventType": "Normal",
            "team": "web", "timestamp": "1790000000000",
        ])
        // Without an event hook, the global event webhook gets it.
        _ = try await analyzer(eventWebhook: fake.baseURL + "/global").callEventWebhooks(
            canary: Fixture.canary(), message: "m", eventType: "Warning", checksum: "c1", at: Fixture.now)
        #expect(fake.requests.last?.path == "/global")
    }

    @Test("back-off doubles from the base up to the cap; Retry-After wins")
    func backoff() {
        let p = RetryPolicy(base: .seconds(1), cap: .seconds(30))
        #expect((0..<7).map { p.backoff(attempt: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        #expect(p.backoff(attempt: 0, retryAfter: .seconds(7)) == .seconds(7))
        #expect(p.backoff(attempt: 0, retryAfter: .seconds(700)) == .seconds(30))
    }

    @Test("the checksum changes with tracked configs and the last applied spec, and only then")
    func checksum() {
        var c = Fixture.canary()
        let a = WebhookPayload.checksum(of: c)
        #expect(a == WebhookPayload.checksum(of: c))
        #expect(a.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        c.status?.trackedConfigs = ["configmap/app": "123"]
        #expect(WebhookPayload.checksum(of: c) != a)
        c.status?.phase = .succeeded
        #expect(WebhookPayload.checksum(of: c) == WebhookPayload.checksum(of: { var x = c; x.status?.phase = .failed; return x }()))
    }

    @Test("read-only runs call no webhook, event hook or alert")
    func readOnly() async throws {
        let fake = try AnalysisLoopbackReceiver(responses: [.text("ok")])
        defer { fake.stop() }
        var configuration = AnalyzerConfiguration(eventWebhook: fake.baseURL, globalAlert: GlobalAlertTarget(type: "msteams", url: fake.baseURL))
        configuration.callsWebhooks = false
        let a = Fixture.analyzer(try CurlHTTPClient(), configuration: configuration)
        let r = await a.call(webhook: hook(fake.baseURL + "/gate?token=x"), of: Fixture.canary(), phase: .progressing, checksum: "c", at: Fixture.now)
        #expect(r.verdict == .skipped)
        #expect(r.message == "would call POST \(fake.baseURL)/gate (read-only run)")
        #expect(await a.callEventWebhooks(canary: Fixture.canary(), message: "m", eventType: "Normal", checksum: "c", at: Fixture.now).isEmpty)
        #expect(await a.alertNotifier.send(Alert(message: "m", severity: .error), for: Fixture.canary()).isEmpty)
        #expect(fake.requests.isEmpty)
    }
}
