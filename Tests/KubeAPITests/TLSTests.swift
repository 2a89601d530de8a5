import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

/// Real TLS: openssl-made certificates, socat terminating TLS (client certificate required) in front of the
/// loopback API server.
@Suite("TLS through socat")
struct TLSTests {
    /// One PKI for the whole suite (read-only; generating it takes a dozen openssl runs). Its directory is left in
    /// the temp dir: a few kilobytes per test run.
    static let sharedPKI: Result<TLSCertificates, any Error> = Result {
        try TLSCertificates.generate(in: try TemporaryDirectory(prefix: "pki").path)
    }

    final class Fixture {
        let server: LoopbackKubeServer
        let tmp: TemporaryDirectory
        let pki: TLSCertificates
        let terminator: TLSTerminator
        init() async throws {
            server = try await LoopbackKubeServer()
            tmp = try TemporaryDirectory(prefix: "tls")
            pki = try TLSTests.sharedPKI.get()
            terminator = try TLSTerminator(
                certificate: pki.serverCertPath, key: pki.serverKeyPath, clientCA: pki.caCertPath,
                backendPort: server.port, logDirectory: tmp.path)
        }
        func stop() {
            terminator.stop()
            server.stop()
            tmp.remove()
        }
        var goodTLS: TLSOptions {
            TLSOptions(certificateAuthority: pki.caPEM, clientCertificate: pki.clientCertPEM, clientKey: pki.clientKeyPEM)
        }
    }

    @Test func correctCAAndClientCertificateSucceedByIPAndName() async throws {
        let f = try await Fixture()
        defer { f.stop() }
        let http = try CurlHTTPClient()
        for host in ["127.0.0.1", "localhost"] {
            let r = try await http.send(HTTPRequest(url: "https://\(host):\(f.terminator.port)/api", tls: f.goodTLS))
            #expect(r.status == 200)
        }
    }

    @Test func wrongCAFailsWithACertificateError() async throws {
        let f = try await Fixture()
        defer { f.stop() }
        var tls = f.goodTLS
        tls.certificateAuthority = f.pki.otherCAPEM
        do {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: "https://127.0.0.1:\(f.terminator.port)/api", tls: tls))
            Issue.record("expected a certificate error")
        } catch {
            #expect(error.code == .tlsCertificate)
            #expect(error.description.contains("certificate"))
            #expect(error.description.contains("127.0.0.1:\(f.terminator.port)"))
        }
    }

    @Test func missingClientCertificateFailsClearly() async throws {
        let f = try await Fixture()
        defer { f.stop() }
        let tls = TLSOptions(certificateAuthority: f.pki.caPEM)
        do {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: "https://127.0.0.1:\(f.terminator.port)/api", tls: tls))
            Issue.record("expected a client certificate error")
        } catch {
            // TLS 1.2 reports the alert; TLS 1.3 may only show the connection closing after the handshake.
            #expect(error.code == .tlsClientCertificate || error.code == .connectionReset)
            #expect(error.description.contains("client certificate"))
        }
    }

    @Test func insecureSkipVerifyAcceptsAnUntrustedServer() async throws {
        let f = try await Fixture()
        defer { f.stop() }
        var tls = f.goodTLS
        tls.certificateAuthority = f.pki.otherCAPEM
        tls.insecureSkipVerify = true
        let r = try await CurlHTTPClient().send(HTTPRequest(url: "https://127.0.0.1:\(f.terminator.port)/api", tls: tls))
        #expect(r.status == 200)
    }

    @Test func tlsServerNameIsVerifiedInsteadOfTheURLHost() async throws {
        let f = try await Fixture()
        defer { f.stop() }
        let named = try f.pki.issueServerCertificate(name: "internal-\(UUID().uuidString.prefix(8))", dnsNames: ["api.internal"])
        let terminator = try TLSTerminator(
            certificate: named.cert, key: named.key, clientCA: f.pki.caCertPath, backendPort: f.server.port,
            logDirectory: f.tmp.path)
        defer { terminator.stop() }
        let http = try CurlHTTPClient()
        let url = "https://127.0.0.1:\(terminator.port)/api"
        await #expect(throws: TransportError.self) { try await http.send(HTTPRequest(url: url, tls: f.goodTLS)) }
        var tls = f.goodTLS
        tls.serverName = "api.internal"
        let r = try await http.send(HTTPRequest(url: url, tls: tls))
        #expect(r.status == 200)
    }

    @Test func kubeconfigWithCertificateFilesReachesTheServer() async throws {
        let f = try await Fixture()
        defer { f.stop() }
        let dir = try TemporaryDirectory(prefix: "kc")
        defer { dir.remove() }
        // Relative paths resolve against the kubeconfig's directory.
        try FileManager.default.copyItem(atPath: f.pki.caCertPath, toPath: dir.path + "/ca.pem")
        try FileManager.default.createDirectory(atPath: dir.path + "/certs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: f.pki.clientCertPath, toPath: dir.path + "/certs/client.pem")
        let keyB64 = f.pki.clientKeyPEM.base64EncodedString()
        let file = try dir.write("config", """
            apiVersion: v1
            kind: Config
            current-context: tls
            clusters:
            - name: tls
              cluster:
                server: https://localhost:\(f.terminator.port)
                certificate-authority: ca.pem
            users:
            - name: cert-user
              user:
                client-certificate: certs/client.pem
                client-key-data: \(keyB64)
            contexts:
            - name: tls
              context: {cluster: tls, user: cert-user, namespace: prod}
            """)
        let config = try KubeConfigLoader(.init(kubeconfig: file)).load()
        #expect(config.namespace == "prod")
        let kube = KubeClient(configuration: config, http: try CurlHTTPClient())
        _ = try await kube.create(BuiltinResources.configMaps, namespace: config.namespace, object: ["metadata": ["name": "tls"]])
        #expect(try await kube.list(BuiltinResources.configMaps, namespace: "prod").items.count == 1)
    }
}

@Suite("exec plugin returning a client certificate")
struct ExecClientCertificateTests {
    @Test func pluginCertificateIsUsedForTheTLSHandshake() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let tmp = try TemporaryDirectory(prefix: "execcert")
        defer { tmp.remove() }
        let pki = try TLSTests.sharedPKI.get()
        let tls = try TLSTerminator(
            certificate: pki.serverCertPath, key: pki.serverKeyPath, clientCA: pki.caCertPath, backendPort: server.port,
            logDirectory: tmp.path)
        defer { tls.stop() }
        // The plugin prints the PEMs as JSON strings (newlines escaped by awk).
        let plugin = try tmp.write("cert-plugin.sh", """
            #!/bin/sh
            esc() { awk 'BEGIN{ORS=""} {gsub(/"/,"\\\\\\""); print $0 "\\\\n"}' "$1"; }
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"%s","clientKeyData":"%s"}}' "$(esc \(pki.clientCertPath))" "$(esc \(pki.clientKeyPath))"
            """, executable: true)
        let config = try tmp.write("config", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:\(tls.port)", certificate-authority: \(pki.caCertPath)}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: \(plugin), interactiveMode: Never}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let kube = KubeClient(configuration: try KubeConfigLoader(.init(kubeconfig: config)).load(), http: try CurlHTTPClient(),
                              environment: ["PATH": "/usr/bin:/bin"])
        _ = try await kube.list(BuiltinResources.configMaps, namespace: "p")
        _ = try await kube.list(BuiltinResources.configMaps, namespace: "p")
        #expect(kube.credentialPluginRuns == 1)
    }
}
