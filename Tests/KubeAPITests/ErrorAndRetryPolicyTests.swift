import Foundation
import HTTPServer
import KubeAPI
import Resources
import Testing

@Suite("errors and retry decisions (no network)")
struct ErrorAndRetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(2), sleep: { _ in })
    let list = KubeRequest.list(BuiltinResources.pods, namespace: "p")
    let create = KubeRequest.create(BuiltinResources.pods, namespace: "p", object: [:])
    let apply = KubeRequest.patch(BuiltinResources.pods, namespace: "p", name: "x", patch: .apply([:], fieldManager: "m", force: true))
    let conditional = KubeRequest.update(BuiltinResources.pods, namespace: "p", name: "x", object: [:], resourceVersion: "3")

    private func api(_ status: Int, reason: String = "", retryAfter: Duration? = nil) -> KubeAPIError {
        KubeAPIError(code: .api, httpStatus: status, status: reason.isEmpty ? nil : KubeStatus(reason: reason, message: "m", code: status),
                     retryAfter: retryAfter)
    }

    private func transport(_ code: TransportError.Code) -> KubeAPIError {
        KubeAPIError(code: .transport, transport: TransportError(code: code, server: "https://s", message: "m"))
    }

    @Test func backoffDoublesAndIsCapped() {
        #expect(policy.delay(after: api(503), request: list, attempt: 1) == .milliseconds(100))
        #expect(policy.delay(after: api(503), request: list, attempt: 2) == .milliseconds(200))
        #expect(policy.delay(after: api(503), request: list, attempt: 3) == .milliseconds(400))
        #expect(policy.delay(after: api(503), request: list, attempt: 4) == nil)
        #expect(policy.delay(after: api(429, retryAfter: .seconds(30)), request: list, attempt: 1) == .seconds(2))
    }

    @Test func whatIsRetried() {
        #expect(policy.delay(after: api(500), request: apply, attempt: 1) != nil)
        #expect(policy.delay(after: api(500), request: create, attempt: 1) == nil)
        #expect(policy.delay(after: api(429), request: create, attempt: 1) != nil)
        #expect(policy.delay(after: api(409, reason: "Conflict"), request: conditional, attempt: 1) == nil)
        #expect(policy.delay(after: api(404, reason: "NotFound"), request: list, attempt: 1) == nil)
        #expect(policy.delay(after: api(501), request: list, attempt: 1) == nil)
        #expect(policy.delay(after: transport(.couldNotConnect), request: create, attempt: 1) != nil)
        #expect(policy.delay(after: transport(.connectionReset), request: create, attempt: 1) == nil)
        #expect(policy.delay(after: transport(.connectionReset), request: list, attempt: 1) != nil)
        #expect(policy.delay(after: transport(.tlsCertificate), request: list, attempt: 1) == nil)
    }

    @Test func reasonsFallBackToTheHTTPStatusWhenTheBodyIsNotAStatus() {
        #expect(api(404).isNotFound)
        #expect(api(409).isConflict)
        #expect(api(409, reason: "AlreadyExists").isAlreadyExists)
        #expect(!api(409, reason: "AlreadyExists").isConflict)
        #expect(api(410).isExpired)
        #expect(api(502).isServerError)
        #expect(api(502).description.contains("HTTP 502"))
    }

    @Test func statusDecoding() throws {
        let v = try JSONParser.parse(#"""
            {"kind":"Status","apiVersion":"v1","status":"Failure","message":"Deployment.apps \"x\" is invalid: spec.replicas: Invalid value: -1",
             "reason":"Invalid","code":422,"details":{"name":"x","group":"apps","kind":"Deployment","retryAfterSeconds":3,
             "causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1","field":"spec.replicas"}]}}
            """#)
        let s = try #require(KubeStatus(v))
        #expect(s.reason == "Invalid" && s.code == 422 && s.name == "x" && s.group == "apps")
        #expect(s.causes == [KubeStatus.Cause(reason: "FieldValueInvalid", message: "Invalid value: -1", field: "spec.replicas")])
        #expect(s.retryAfterSeconds == 3)
        #expect(KubeStatus(["kind": "Pod"]) == nil)
    }
}

@Suite("server clock and Retry-After parsing")
struct HTTPDateTests {
    @Test func retryAfterInBothForms() async throws {
        let server = try HTTPServer { r in
            let header = r.path == "/seconds" ? "7" : "Sun, 22 Nov 2026 00:00:09 GMT"
            return HTTPServerResponse(status: 429, headers: [("Retry-After", header), ("Date", "Sun, 22 Nov 2026 00:00:00 GMT")])
        }
        defer { server.stop() }
        let kube = KubeClient(configuration: KubeClientConfiguration(server: server.baseURL), http: try CurlHTTPClient(), retry: .none)
        let seconds = await #expect(throws: KubeAPIError.self) { try await kube.get(path: "/seconds") }
        #expect(seconds?.retryAfter == .seconds(7))
        #expect(seconds?.isTooManyRequests == true)
        let date = await #expect(throws: KubeAPIError.self) { try await kube.get(path: "/date") }
        #expect(date?.retryAfter == .seconds(9))
        #expect(kube.serverClock.firstResponseDate == Date(timeIntervalSince1970: 1_795_305_600))
    }
}
