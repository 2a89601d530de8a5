import Foundation
import Resources
import Sandbox
import Testing
import TestSupport

/// The control API (`/sandbox/...`): request counters, fault injection, the clock; the loadtester; watch.
@Suite("Sandbox control API")
struct SandboxControlTests {
    static let cmPath = "/api/v1/namespaces/default/configmaps"

    @Test("counters count every request by verb and resource, with a separate mutating count; reset zeroes them")
    func counters() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        _ = try h.request("GET", "/apis")
        _ = try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"a"}}"#)
        _ = try h.request("GET", Self.cmPath + "/a")
        _ = try h.request("GET", Self.cmPath)
        _ = try h.request("PATCH", Self.cmPath + "/a", body: #"{"data":{"k":"v"}}"#, contentType: "application/merge-patch+json")
        _ = try h.request("DELETE", Self.cmPath + "/a")
        _ = try h.request("GET", "/apis/apps/v1/deployments")
        let counts = try h.request("GET", "/sandbox/requests").json
        #expect(counts["total"] == 6)
        #expect(counts["mutating"] == 3)
        #expect(counts["discovery"] == 1)
        #expect(counts["byVerb"] == ["create": 1, "delete": 1, "get": 1, "list": 2, "patch": 1])
        #expect(counts["byResource", "configmaps", "list"] == 1)
        #expect(counts["byResource", "deployments.apps", "list"] == 1)
        #expect(h.sandbox.requestCounts.count("patch", "configmaps") == 1)
        #expect(h.sandbox.waitForMutatingRequests(3, timeout: 0.1))
        #expect(!h.sandbox.waitForMutatingRequests(4, timeout: 0.05))
        #expect(try h.request("POST", "/sandbox/requests/reset").json["total"] == 0)
    }

    @Test("faults: the Nth matching request fails with a Status, then hang, reset and hang-after-apply at the socket level")
    func faults() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let rule = #"{"verb":"mutating","resource":"configmaps","nth":2,"action":"status","status":503,"message":"etcd is sad"}"#
        #expect(try h.request("POST", "/sandbox/faults", body: rule).status == 201)
        #expect(try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"one"}}"#).status == 201)
        _ = try h.request("GET", Self.cmPath + "/one")  // not mutating: not counted by the rule
        let failed = try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"two"}}"#)
        #expect(failed.status == 503)
        #expect(failed.json["kind"] == "Status")
        #expect(failed.json["message"] == "etcd is sad")
        #expect(try h.request("GET", Self.cmPath + "/two").status == 404)  // the failed request did nothing
        #expect(try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"three"}}"#).status == 201)
        #expect(try h.request("GET", "/sandbox/faults").json.arrayValue?.first?["fired"] == 1)
        #expect(try h.request("DELETE", "/sandbox/faults").status == 200)

        h.sandbox.inject(FaultRule(verb: "get", resource: "configmaps", action: .reset))
        let reset = try SandboxProcessRunner.run("/usr/bin/curl", ["-sS", h.sandbox.apiURL + Self.cmPath + "/one"])
        #expect(reset.status == 56)  // connection reset by peer
        h.sandbox.inject(FaultRule(verb: "list", resource: "configmaps", action: .hang))
        let started = Date()
        let hang = try SandboxProcessRunner.run("/usr/bin/curl", ["-sS", "-m", "0.5", h.sandbox.apiURL + Self.cmPath])
        #expect(hang.status == 28)  // timed out
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try h.request("GET", Self.cmPath).status == 200)  // one-shot rules are spent
        // hang-after-apply: the write takes effect, the answer never comes (a lost response).
        let lost = #"{"verb":"create","resource":"configmaps","action":"hang-after-apply"}"#
        #expect(try h.request("POST", "/sandbox/faults", body: lost).status == 201)
        let applied = try SandboxProcessRunner.run("/usr/bin/curl", [
            "-sS", "-m", "0.5", "-X", "POST", "-H", "Content-Type: application/json",
            "-d", #"{"metadata":{"name":"lost"}}"#, h.sandbox.apiURL + Self.cmPath,
        ])
        #expect(applied.status == 28)  // timed out without an answer
        #expect(try h.request("GET", Self.cmPath + "/lost").status == 200)  // but the ConfigMap was created
    }

    @Test("clock: advance and set through the control API; timestamps follow it")
    func clock() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let set = try h.request("POST", "/sandbox/clock", body: #"{"set":"2030-01-02T03:04:05Z","freeze":true}"#)
        #expect(set.json["now"] == "2030-01-02T03:04:05Z")
        #expect(set.json["frozen"] == true)
        let advanced = try h.request("POST", "/sandbox/clock", body: #"{"advance":"1h30m"}"#)
        #expect(advanced.json["now"] == "2030-01-02T04:34:05Z")
        let created = try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"t"}}"#)
        #expect(created.json["metadata", "creationTimestamp"] == "2030-01-02T04:34:05Z")
        #expect(try h.request("POST", "/sandbox/clock", body: #"{"advance":"soon"}"#).status == 400)
    }

    @Test("loadtester: cmd payloads are recorded; gates and rollback flags are kept per canary")
    func loadtester() throws {
        let h = try SandboxHarness(token: "t0ken")
        defer { h.stop() }
        let hook = #"{"name":"podinfo","namespace":"test","phase":"Progressing","metadata":{"type":"cmd","cmd":"hey -z 1m http://podinfo-canary.test:9898/"}}"#
        let ran = try h.request("POST", "/loadtester/", body: hook, authorized: false)
        #expect(ran.status == 200)
        #expect(h.sandbox.loadtesterRecords.first?["metadata", "cmd"]?.stringValue?.hasPrefix("hey") == true)
        let canary = #"{"name":"podinfo","namespace":"test"}"#
        let other = #"{"name":"other","namespace":"test"}"#
        #expect(try h.request("POST", "/loadtester/gate/check", body: canary).status == 403)
        #expect(try h.request("POST", "/loadtester/gate/open", body: canary).status == 202)
        #expect(try h.request("POST", "/loadtester/gate/check", body: canary).status == 200)
        #expect(try h.request("POST", "/loadtester/gate/check", body: other).status == 403)
        #expect(try h.request("POST", "/loadtester/gate/close", body: canary).status == 202)
        #expect(try h.request("POST", "/loadtester/gate/check", body: canary).status == 403)
        #expect(try h.request("POST", "/loadtester/rollback/check", body: canary).status == 403)
        #expect(try h.request("POST", "/loadtester/rollback/open", body: canary).status == 202)
        #expect(try h.request("POST", "/loadtester/rollback/check", body: canary).status == 200)
        #expect(try h.request("POST", "/loadtester/gate/halt", body: canary).status == 403)
        #expect(try h.request("POST", "/loadtester/gate/approve", body: canary).status == 200)
    }

    @Test("watch streams events after a resourceVersion; DaemonSets get scheduling status")
    func watchAndDaemonSet() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let created = try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"w"}}"#)
        let rv = created.json["metadata", "resourceVersion"]?.stringValue ?? ""
        _ = try h.request("PATCH", Self.cmPath + "/w", body: #"{"data":{"a":"b"}}"#, contentType: "application/merge-patch+json")
        let stream = try h.request("GET", Self.cmPath + "?watch=true&resourceVersion=\(rv)&timeoutSeconds=1", timeout: 5)
        let lines = stream.text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(lines.count == 1)
        #expect(lines.first?["type"] == "MODIFIED")
        #expect(lines.first?["object", "data", "a"] == "b")

        let ds = #"""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},
             "template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"a","image":"agent:1"}]}}}}
            """#
        let daemonSet = try h.request("POST", "/apis/apps/v1/namespaces/default/daemonsets", body: ds).json
        #expect(daemonSet["status", "desiredNumberScheduled"] == 1)
        #expect(daemonSet["status", "updatedNumberScheduled"] == 1)
        #expect(daemonSet["status", "numberAvailable"] == 1)
    }
}
