import Foundation
import KubeAPI
import Testing
import TestSupport

@Suite("CurlHTTPClient on loopback")
struct CurlHTTPClientTests {
    @Test func reusesOneConnectionAcrossSequentialRequests() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient(maxConcurrentRequests: 4)
        var connections = 0
        for _ in 0..<10 {
            let r = try await http.send(HTTPRequest(url: server.url + "/api"))
            #expect(r.status == 200)
            #expect(r.metrics.httpVersion == "1.1")
            #expect(r.metrics.bytesReceived > r.body.count)
            connections += r.metrics.newConnections
        }
        #expect(connections == 1)
    }

    @Test func runsManyRequestsInParallelWithBoundedConnections() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient(maxConcurrentRequests: 3)
        let results = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<90 { group.addTask { try await http.send(HTTPRequest(url: server.url + "/apis")) } }
            var out: [HTTPResponse] = []
            for try await r in group { out.append(r) }
            return out
        }
        #expect(results.count == 90)
        #expect(results.allSatisfy { $0.status == 200 && $0.headers["content-type"] == "application/json" })
        let opened = results.map(\.metrics.newConnections).reduce(0, +)
        #expect(opened >= 1 && opened <= 3)
    }

    @Test func queuedRequestsStartAsSoonAsASlotFrees() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        // One slot, six requests: each queued request must start when the previous one ends, not when the driver
        // next wakes up on its own (up to a second per request).
        let http = try CurlHTTPClient(maxConcurrentRequests: 1)
        _ = try await http.send(HTTPRequest(url: server.url + "/api"))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try await http.send(HTTPRequest(url: server.url + "/api")) } }
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - start < .seconds(4))
    }

    @Test func sendsMethodHeadersAndBody() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let body = Data(#"{"metadata":{"name":"x"},"data":{"k":"v"}}"#.utf8)
        let r = try await http.send(HTTPRequest(
            method: "POST", url: server.url + "/api/v1/namespaces/default/configmaps",
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Test", "1")], body: body))
        #expect(r.status == 201)
        let patched = try await http.send(HTTPRequest(
            method: "PATCH", url: server.url + "/api/v1/namespaces/default/configmaps/x",
            headers: [HTTPHeader("Content-Type", "application/merge-patch+json")], body: Data(#"{"data":{"k":"w"}}"#.utf8)))
        #expect(patched.status == 200)
        #expect(String(decoding: patched.body, as: UTF8.self).contains(#""k": "w""#))
        let deleted = try await http.send(HTTPRequest(method: "DELETE", url: server.url + "/api/v1/namespaces/default/configmaps/x"))
        #expect(deleted.status == 200)
    }

    @Test func connectionRefusedNamesTheServer() async throws {
        let http = try CurlHTTPClient()
        let port = LoopbackPorts.free()
        do {
            _ = try await http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/api", timeout: .seconds(5)))
            Issue.record("expected a transport error")
        } catch {
            #expect(error.code == .couldNotConnect)
            #expect(error.server == "http://127.0.0.1:\(port)")
            #expect(error.description.contains("127.0.0.1:\(port)"))
        }
    }

    @Test func perRequestTimeoutFires() async throws {
        // A listener that never answers.
        let silent = try SilentListener()
        defer { silent.close() }
        let port = silent.port
        let http = try CurlHTTPClient()
        let start = ContinuousClock.now
        do {
            _ = try await http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .timedOut)
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let port = silent.port
        let http = try CurlHTTPClient()
        let start = ContinuousClock.now
        let task = Task { try await http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: .seconds(20))) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: TransportError.self) { try result.get() }
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
