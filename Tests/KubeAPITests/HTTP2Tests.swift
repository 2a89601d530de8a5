import Foundation
import KubeAPI
import Testing
import TestSupport

/// HTTP/2 against a real Go HTTP/2 server: Prometheus serving TLS (Go's net/http offers h2 through ALPN).
@Suite("HTTP/2 when the server offers it")
struct HTTP2Tests {
    @Test(.enabled(if: Command.which("prometheus") != nil, "prometheus is not installed"))
    func negotiatesHTTP2AndMultiplexesOnOneConnection() async throws {
        let tmp = try TemporaryDirectory(prefix: "h2")
        defer { tmp.remove() }
        let pki = try TLSCertificates.generate(in: tmp.path)
        let web = try tmp.write("web.yml", """
            tls_server_config:
              cert_file: \(pki.serverCertPath)
              key_file: \(pki.serverKeyPath)
            """)
        let config = try tmp.write("prometheus.yml", "global: {scrape_interval: 1m}\n")
        let prometheus = try #require(Command.which("prometheus"))
        var process: ManagedProcess?
        var port = 0
        for _ in 0..<3 where process == nil {
            port = LoopbackPorts.free()
            let p = try ManagedProcess.start(prometheus, [
                "--config.file=\(config)", "--storage.tsdb.path=\(tmp.path)/data-\(port)", "--web.config.file=\(web)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ], logDirectory: tmp.path)
            if LoopbackPorts.waitUntil(timeout: .seconds(30), { LoopbackPorts.isListening(port) || !p.isRunning }), p.isRunning {
                process = p
            } else {
                p.stop()
            }
        }
        let server = try #require(process)
        defer { server.stop() }
        let http = try CurlHTTPClient(maxConcurrentRequests: 8)
        let tls = TLSOptions(certificateAuthority: pki.caPEM)
        let url = "https://localhost:\(port)/-/healthy"
        let first = try await http.send(HTTPRequest(url: url, tls: tls))
        #expect(first.status == 200)
        #expect(first.metrics.httpVersion == "2")
        let rest = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<16 { group.addTask { try await http.send(HTTPRequest(url: url, tls: tls)) } }
            var out: [HTTPResponse] = []
            for try await r in group { out.append(r) }
            return out
        }
        #expect(rest.allSatisfy { $0.status == 200 && $0.metrics.httpVersion == "2" })
        // Concurrent requests share the first connection as HTTP/2 streams.
        #expect(rest.map(\.metrics.newConnections).reduce(0, +) == 0)
    }
}
