import Foundation
import HTTPServer
import KubeAPI
import Synchronization
import Testing
import TestSupport

/// The transport against the in-process loopback ``HTTPServer``.
@Suite("CurlHTTPClient on loopback")
struct CurlHTTPClientTests {
    /// Echoes the request as JSON: method, path, content type, body.
    static func echo(_ r: HTTPServerRequest) -> HTTPServerResponse {
        let body = #"{"method":"\#(r.method)","target":"\#(r.target)","contentType":"\#(r.header("Content-Type") ?? "")","body":\#(r.body.isEmpty ? "null" : r.bodyText)}"#
        return .json(Array(body.utf8))
    }

    @Test func reusesOneConnectionAcrossSequentialRequests() async throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        let http = try CurlHTTPClient(maxConcurrentRequests: 4)
        var connections = 0
        for _ in 0..<10 {
            let r = try await http.send(HTTPRequest(url: server.baseURL + "/api"))
            #expect(r.status == 200)
            #expect(r.metrics.httpVersion == "1.1")
            #expect(r.metrics.bytesReceived > r.body.count)
            #expect(r.metrics.bytesSent > 0)
            connections += r.metrics.newConnections
        }
        #expect(connections == 1)
        #expect(server.requestsServed == 10)
    }

    @Test func runsManyRequestsInParallelWithBoundedConnections() async throws {
        let inFlight = Mutex((now: 0, peak: 0))
        let server = try HTTPServer { r in
            inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            usleep(5_000)
            inFlight.withLock { $0.now -= 1 }
            return Self.echo(r)
        }
        defer { server.stop() }
        let http = try CurlHTTPClient(maxConcurrentRequests: 3)
        let results = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<90 { group.addTask { try await http.send(HTTPRequest(url: server.baseURL + "/apis")) } }
            var out: [HTTPResponse] = []
            for try await r in group { out.append(r) }
            return out
        }
        #expect(results.count == 90)
        #expect(results.allSatisfy { $0.status == 200 && $0.headers["content-type"] == "application/json" })
        let opened = results.map(\.metrics.newConnections).reduce(0, +)
        #expect(opened >= 1 && opened <= 3)
        #expect(inFlight.withLock { $0.peak } <= 3)
    }

    @Test func queuedRequestsStartAsSoonAsASlotFrees() async throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        // One slot, twenty requests: each queued request must start when the previous one ends, not when the driver
        // next wakes up on its own (up to a second per request).
        let http = try CurlHTTPClient(maxConcurrentRequests: 1)
        _ = try await http.send(HTTPRequest(url: server.baseURL + "/api"))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await http.send(HTTPRequest(url: server.baseURL + "/api")) } }
            try await group.waitForAll()
        }
        // With the old wake-up bug this took about a second per request; generous for a loaded machine.
        #expect(ContinuousClock.now - start < .seconds(12))
    }

    @Test func sendsMethodHeadersAndBody() async throws {
        let server = try HTTPServer(handler: Self.echo)
        defer { server.stop() }
        let http = try CurlHTTPClient()
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let r = try await http.send(HTTPRequest(
                method: method, url: server.baseURL + "/x?a=1",
                headers: [HTTPHeader("Content-Type", "application/merge-patch+json")], body: Data(#"{"k":"v"}"#.utf8)))
            #expect(r.status == 200)
            #expect(String(decoding: r.body, as: UTF8.self)
                == #"{"method":"\#(method)","target":"/x?a=1","contentType":"application/merge-patch+json","body":{"k":"v"}}"#)
        }
        let get = try await http.send(HTTPRequest(url: server.baseURL + "/y"))
        #expect(String(decoding: get.body, as: UTF8.self).contains(#""method":"GET","target":"/y""#))
        let empty = try await http.send(HTTPRequest(method: "POST", url: server.baseURL + "/z", body: Data()))
        #expect(String(decoding: empty.body, as: UTF8.self).contains(#""method":"POST""#))
    }

    @Test func largeBodiesBothWays() async throws {
        let server = try HTTPServer { r in .json(r.body) }
        defer { server.stop() }
        let payload = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let r = try await CurlHTTPClient().send(HTTPRequest(method: "PUT", url: server.baseURL + "/big", body: payload))
        #expect(r.body == payload)
        #expect(r.metrics.bytesSent > payload.count)
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

    @Test func resetIsAConnectionResetError() async throws {
        let server = try HTTPServer { _ in .reset }
        defer { server.stop() }
        do {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: server.baseURL + "/"))
            Issue.record("expected a transport error")
        } catch {
            #expect(error.code == .connectionReset)
            #expect(error.isRetryable)
        }
    }

    @Test func perRequestTimeoutFires() async throws {
        let server = try HTTPServer { r in r.path == "/slow" ? .hang : Self.echo(r) }
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let start = ContinuousClock.now
        do {
            _ = try await http.send(HTTPRequest(url: server.baseURL + "/slow", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.code == .timedOut)
            #expect(error.description.contains("timed out"))
        }
        #expect(ContinuousClock.now - start < .seconds(15))
        // The same client keeps working.
        #expect(try await http.send(HTTPRequest(url: server.baseURL + "/fast")).status == 200)
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let http = try CurlHTTPClient()
        let start = ContinuousClock.now
        let task = Task { try await http.send(HTTPRequest(url: "http://127.0.0.1:\(silent.port)/", timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: TransportError.self) { try result.get() }
        if case .failure(let error as TransportError) = result { #expect(error.message.contains("cancelled")) }
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}

@Suite("CurlHTTPClient cancellation edge")
struct CurlCancellationEdgeTests {
    @Test func alreadyCancelledTaskFailsWithoutSending() async throws {
        let server = try HTTPServer(handler: CurlHTTPClientTests.echo)
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await http.send(HTTPRequest(url: server.baseURL + "/x"))
        }
        let result = await task.result
        #expect(throws: TransportError.self) { try result.get() }
        #expect(server.requestsServed == 0)
    }
}
