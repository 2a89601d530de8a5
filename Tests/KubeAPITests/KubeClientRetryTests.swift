import Foundation
import HTTPServer
import KubeAPI
import Resources
import Synchronization
import Testing
import TestSupport

@Suite("KubeClient retries")
struct KubeClientRetryTests {
    final class Sleeps: Sendable {
        let values = Mutex<[Duration]>([])
        var all: [Duration] { values.withLock { $0 } }
    }

    private func client(_ server: LoopbackKubeServer, http: any HTTPClient, sleeps: Sleeps) -> KubeClient {
        server.client(http: http, retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .seconds(3),
                                                     sleep: { d in sleeps.values.withLock { $0.append(d) } }))
    }

    @Test func readsAreRetriedOn5xxWithBackoff() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let sleeps = Sleeps()
        let kube = client(server, http: http, sleeps: sleeps)
        server.injectFailures(2, code: 503)
        let list = try await kube.list(BuiltinResources.configMaps, namespace: "prod")
        #expect(list.items.isEmpty)
        #expect(sleeps.all == [.milliseconds(10), .milliseconds(20)])
        let e = kube.accounting.snapshot[.init(verb: "list", resource: "configmaps")]
        #expect(e?.requests == 3)
        #expect(e?.retries == 2)
    }

    @Test func tooManyRequestsHonoursRetryAfterForWritesToo() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let sleeps = Sleeps()
        let kube = client(server, http: http, sleeps: sleeps)
        server.injectFailures(1, code: 429, retryAfter: 2)
        _ = try await kube.create(BuiltinResources.configMaps, namespace: "prod", object: ["metadata": ["name": "c"]])
        #expect(sleeps.all == [.seconds(2)])
    }

    @Test func nonIdempotentWritesAreNotRetriedOn5xx() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let sleeps = Sleeps()
        let kube = client(server, http: http, sleeps: sleeps)
        server.injectFailures(1, code: 503)
        do {
            _ = try await kube.create(BuiltinResources.configMaps, namespace: "prod", object: ["metadata": ["name": "c"]])
            Issue.record("expected ServiceUnavailable")
        } catch {
            #expect(error.isServerError)
            #expect(error.reason == "ServiceUnavailable")
        }
        #expect(sleeps.all.isEmpty)
    }

    @Test func exhaustedRetriesReportTheLastError() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let sleeps = Sleeps()
        let kube = client(server, http: http, sleeps: sleeps)
        server.injectFailures(10, code: 500)
        await #expect(throws: KubeAPIError.self) { try await kube.get(BuiltinResources.configMaps, namespace: "p", name: "x") }
        #expect(sleeps.all.count == 3)
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        let sleeps = Sleeps()
        let port = LoopbackPorts.free()
        let kube = KubeClient(
            configuration: KubeClientConfiguration(server: "http://127.0.0.1:\(port)", source: "test", identity: "me"),
            http: try CurlHTTPClient(), retry: RetryPolicy(maxAttempts: 2, sleep: { d in sleeps.values.withLock { $0.append(d) } }))
        do {
            _ = try await kube.create(BuiltinResources.configMaps, namespace: "p", object: ["metadata": ["name": "x"]])
            Issue.record("expected a transport error")
        } catch {
            #expect(error.code == .transport)
            #expect(error.transport?.code == .couldNotConnect)
            #expect(error.description.contains("create configmaps in namespace p failed"))
            #expect(error.description.contains("127.0.0.1:\(port)"))
        }
        #expect(sleeps.all.count == 1)
    }
}

@Suite("KubeClient retries on resets")
struct KubeClientResetTests {
    /// Resets the first `resets` connections, then answers an empty list (or the created object).
    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
        var current: Int { value.withLock { $0 } }
    }

    private func flakyServer(resets: Int) throws -> (HTTPServer, Counter) {
        let seen = Counter()
        let server = try HTTPServer { r in
            let n = seen.next()
            if n <= resets { return .reset }
            return .json(Array((r.method == "POST" ? #"{"metadata":{"name":"c"}}"# : #"{"kind":"ConfigMapList","metadata":{},"items":[]}"#).utf8),
                         status: r.method == "POST" ? 201 : 200)
        }
        return (server, seen)
    }

    private func client(_ server: HTTPServer) throws -> KubeClient {
        KubeClient(configuration: KubeClientConfiguration(server: server.baseURL), http: try CurlHTTPClient(),
                   retry: RetryPolicy(maxAttempts: 4, sleep: { _ in }))
    }

    @Test func readsAreRetriedAfterAReset() async throws {
        let (server, seen) = try flakyServer(resets: 2)
        defer { server.stop() }
        let kube = try client(server)
        #expect(try await kube.list(BuiltinResources.configMaps, namespace: "p").items.isEmpty)
        #expect(seen.current == 3)
        #expect(kube.accounting.snapshot[.init(verb: "list", resource: "configmaps")]?.retries == 2)
    }

    @Test func createsAreNotRetriedAfterAReset() async throws {
        let (server, seen) = try flakyServer(resets: 1)
        defer { server.stop() }
        let kube = try client(server)
        do {
            _ = try await kube.create(BuiltinResources.configMaps, namespace: "p", object: ["metadata": ["name": "c"]])
            Issue.record("expected a transport error")
        } catch {
            #expect(error.transport?.code == .connectionReset)
        }
        #expect(seen.current == 1)
    }
}
