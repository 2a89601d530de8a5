import Foundation
import HTTPServer
import KubeAPI
import Logging
import Synchronization
import Testing
import TestSupport

/// Credentials on the wire, proxies, and secrets hygiene in logs and errors.
@Suite("credentials, proxy and secrets hygiene")
struct CredentialsAndProxyTests {
    /// Records every request the server sees.
    final class Seen: Sendable {
        let requests = Mutex<[HTTPServerRequest]>([])
        var all: [HTTPServerRequest] { requests.withLock { $0 } }
    }

    private func recordingServer(_ seen: Seen, status: Int = 200) throws -> HTTPServer {
        try HTTPServer { r in
            seen.requests.withLock { $0.append(r) }
            return .json(Array(#"{"kind":"ConfigMapList","metadata":{},"items":[]}"#.utf8), status: status)
        }
    }

    @Test func basicAuthAndTokenHeaders() async throws {
        let seen = Seen()
        let server = try recordingServer(seen)
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let basic = KubeClient(
            configuration: KubeClientConfiguration(server: server.baseURL, credentials: .basic(username: "admin", password: Redacted("hunter2"))),
            http: http)
        _ = try await basic.list(BuiltinResources.configMaps, namespace: "p")
        #expect(seen.all.last?.header("Authorization") == "Basic " + Data("admin:hunter2".utf8).base64EncodedString())
        let dir = try TemporaryDirectory(prefix: "tok")
        defer { dir.remove() }
        let file = try dir.write("token", "file-token\n")
        let fromFile = KubeClient(configuration: KubeClientConfiguration(server: server.baseURL, credentials: .tokenFile(file)), http: http)
        _ = try await fromFile.list(BuiltinResources.configMaps, namespace: "p")
        #expect(seen.all.last?.header("Authorization") == "Bearer file-token")
    }

    @Test func proxyURLFromKubeconfigIsUsed() async throws {
        let seen = Seen()
        let proxy = try recordingServer(seen)
        defer { proxy.stop() }
        let dir = try TemporaryDirectory(prefix: "proxy")
        defer { dir.remove() }
        let file = try dir.write("config", """
            current-context: p
            clusters: [{name: c, cluster: {server: "http://kube.internal:6443", proxy-url: "\(proxy.baseURL)"}}]
            contexts: [{name: p, context: {cluster: c}}]
            """)
        let kube = KubeClient(configuration: try KubeConfigLoader(.init(kubeconfig: file)).load(), http: try CurlHTTPClient())
        _ = try await kube.list(BuiltinResources.configMaps, namespace: "prod")
        // A forward proxy receives the absolute URI.
        #expect(seen.all.first?.target == "http://kube.internal:6443/api/v1/namespaces/prod/configmaps")
    }

    @Test func secretsNeverReachLogsOrErrors() async throws {
        let seen = Seen()
        let server = try recordingServer(seen, status: 401)
        defer { server.stop() }
        let logs = CapturedLogs()
        let logger = logs.logger
        let kube = KubeClient(
            configuration: KubeClientConfiguration(server: server.baseURL, credentials: .token(Redacted("top-secret-token")), identity: "user x"),
            http: try CurlHTTPClient(), retry: RetryPolicy(maxAttempts: 2, sleep: { _ in }), logger: logger)
        do {
            _ = try await kube.list(BuiltinResources.configMaps, namespace: "p")
            Issue.record("expected Unauthorized")
        } catch {
            #expect(error.isUnauthorized)
            #expect(!"\(error) \(String(reflecting: error))".contains("top-secret-token"))
        }
        #expect(seen.all.first?.header("Authorization") == "Bearer top-secret-token")
        #expect(!logs.lines.isEmpty)
        #expect(logs.lines.allSatisfy { !$0.contains("top-secret-token") && !$0.contains("Authorization") })
        #expect(!"\(kube.configuration)".contains("top-secret-token"))
    }
}

@Suite("redaction of HTTP values")
struct RedactionTests {
    @Test func requestsAndTLSPrintWithoutSecrets() {
        let r = HTTPRequest(
            method: "POST", url: "https://k:6443/api", headers: [HTTPHeader("Authorization", "Bearer abc.def"), HTTPHeader("Accept", "json")],
            body: Data("{}".utf8), tls: TLSOptions(clientCertificate: Data("CERT".utf8), clientKey: Data("PRIVATE-KEY".utf8)))
        for text in ["\(r)", String(reflecting: r), "\(r.headers)", "\(r.tls)", String(reflecting: r.tls)] {
            #expect(!text.contains("abc.def"))
            #expect(!text.contains("PRIVATE-KEY"))
        }
        var dumped = ""
        dump(r, to: &dumped)
        #expect(!dumped.contains("abc.def") && !dumped.contains("PRIVATE-KEY"))
        #expect("\(r)".contains("Authorization: <redacted>") && "\(r)".contains("Accept: json"))
    }
}
