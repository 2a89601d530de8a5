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
        let server = try HTTPServer(idleTimeout: 3600, handler: Self.echo)
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
        // One slot. A first request holds it (the server blocks on a gate) while twenty more queue up; then the gate
        // opens. Each queued request must reach the server as soon as the previous one ends, not when the driver next
        // wakes up on its own (about a second each before the fix). Arrival times are taken on the server's threads,
        // so a busy test process cannot distort them.
        let gate = DispatchSemaphore(value: 0)
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let server = try HTTPServer { r in
            if r.path == "/gate" { gate.wait() } else { arrivals.withLock { $0.append(.now) } }
            return Self.echo(r)
        }
        defer {
            gate.signal()
            server.stop()
        }
        let http = try CurlHTTPClient(maxConcurrentRequests: 1)
        let first = Task { try await http.send(HTTPRequest(url: server.baseURL + "/gate")) }
        let queued = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { _ = try await http.send(HTTPRequest(url: server.baseURL + "/x")) } }
                try await group.waitForAll()
            }
        }
        // Generous: in a loaded test process the tasks that enqueue may wait long for a cooperative thread.
        let deadline = ContinuousClock.now + .seconds(300)
        while http.queuedRequests < 20, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(http.queuedRequests == 20)
        gate.signal()
        _ = try await first.value
        try await queued.value
        let times = arrivals.withLock { $0 }
        #expect(times.count == 20)
        if let a = times.first, let b = times.last { #expect(b - a < .seconds(5)) }
    }

    @Test func sendsMethodHeadersAndBody() async throws {
        let server = try HTTPServer(idleTimeout: 3600, handler: Self.echo)
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

    @Test func observerHearsEveryExchangeWithoutPaths() async throws {
        let server = try HTTPServer(idleTimeout: 3600, handler: Self.echo)
        defer { server.stop() }
        let seen = Mutex<[HTTPExchange]>([])
        let http = try CurlHTTPClient(observer: { e in seen.withLock { $0.append(e) } })
        _ = try await http.send(HTTPRequest(url: server.baseURL + "/services/T000/B000/secret-path?token=x"))
        _ = try? await http.send(HTTPRequest(url: "http://127.0.0.1:\(LoopbackPorts.free())/", timeout: .seconds(5)))
        let all = seen.withLock { $0 }
        #expect(all.count == 2)
        #expect(all.first?.status == 200 && all.first?.server == server.baseURL && all.first?.metrics.bytesReceived ?? 0 > 0)
        #expect(all.last?.failure == .couldNotConnect)
        #expect(!"\(all)".contains("secret-path") && !"\(all)".contains("token"))
    }

    @Test func largeBodiesBothWays() async throws {
        let server = try HTTPServer { r in .json(r.body) }
        defer { server.stop() }
        let payload = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let r = try await CurlHTTPClient().send(HTTPRequest(method: "PUT", url: server.baseURL + "/big", body: payload))
        #expect(r.body == payload)
        #expect(r.metrics.bytesSent > payload.count)
    }

    /// Without a Content-Length (chunked), the body buffer grows as chunks of every size arrive; the bytes are exact.
    @Test func largeChunkedBodyWithoutLength() async throws {
        let payload = (0..<2_500_003).map { UInt8(truncatingIfNeeded: $0 % 253) }
        let server = try HTTPServer { _ in
            .streaming { writer in
                var offset = 0
                var size = 1
                while offset < payload.count {
                    let end = min(payload.count, offset + size)
                    guard writer.write(Array(payload[offset..<end])) else { return }
                    offset = end
                    size = size * 3 % 70_001 + 1
                }
            }
        }
        defer { server.stop() }
        let r = try await CurlHTTPClient().send(HTTPRequest(url: server.baseURL + "/chunks"))
        #expect(r.headers["content-length"] == nil)
        #expect(r.body.count == payload.count)
        #expect(r.body == Data(payload))
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
        do {
            _ = try await http.send(HTTPRequest(url: server.baseURL + "/slow", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch {
            // Only the 300 ms limit can end a request the server never answers.
            #expect(error.code == .timedOut)
            #expect(error.description.contains("timed out"))
        }
        // The same client keeps working.
        #expect(try await http.send(HTTPRequest(url: server.baseURL + "/fast")).status == 200)
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let http = try CurlHTTPClient()
        let task = Task { try await http.send(HTTPRequest(url: "http://127.0.0.1:\(silent.port)/", timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: TransportError.self) { try result.get() }
        if case .failure(let error as TransportError) = result { #expect(error.message.contains("cancelled")) }
    }
}

@Suite("CurlHTTPClient cancellation edge")
struct CurlCancellationEdgeTests {
    @Test func alreadyCancelledTaskFailsWithoutSending() async throws {
        let server = try HTTPServer(idleTimeout: 3600, handler: CurlHTTPClientTests.echo)
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
