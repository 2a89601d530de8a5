import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

/// In-cluster configuration end to end: service-account files in a temp dir, the API behind TLS on 127.0.0.1.
@Suite("in-cluster configuration against a TLS server")
struct InClusterLiveTests {
    private func jwt(sub: String) -> String {
        let enc = { (s: String) in
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
        }
        return enc(#"{"alg":"RS256"}"#) + "." + enc(#"{"sub":"\#(sub)","iss":"kubernetes"}"#) + ".c2ln"
    }

    @Test func serviceAccountTokenCAAndNamespace() async throws {
        let token = jwt(sub: "system:serviceaccount:gitcanary:runner")
        let server = try await LoopbackKubeServer(token: token, forbid: ["delete:configmaps"])
        defer { server.stop() }
        let tmp = try TemporaryDirectory(prefix: "incluster")
        defer { tmp.remove() }
        let pki = try TLSTests.sharedPKI.get()
        let tls = try TLSTerminator(
            certificate: pki.serverCertPath, key: pki.serverKeyPath, clientCA: nil, backendPort: server.port,
            logDirectory: tmp.path)
        defer { tls.stop() }
        try tmp.write("sa/token", token + "\n")
        try FileManager.default.copyItem(atPath: pki.caCertPath, toPath: tmp.path + "/sa/ca.crt")
        try tmp.write("sa/namespace", "gitcanary")
        let config = try KubeConfigLoader(.init(
            environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(tls.port)],
            serviceAccountRoot: tmp.path + "/sa")).load()
        #expect(config.identity == #"service account "system:serviceaccount:gitcanary:runner""#)
        let kube = KubeClient(configuration: config, http: try CurlHTTPClient())
        _ = try await kube.create(BuiltinResources.configMaps, namespace: config.namespace, object: ["metadata": ["name": "c"]])
        let list = try await kube.list(BuiltinResources.configMaps, namespace: "gitcanary")
        #expect(list.items.first?["metadata", "namespace"] == "gitcanary")
        do {
            try await kube.delete(BuiltinResources.configMaps, namespace: "gitcanary", name: "c")
            Issue.record("expected Forbidden")
        } catch {
            #expect(error.isForbidden)
            #expect(error.description.contains("system:serviceaccount:gitcanary:runner"))
            #expect(!error.description.contains(token))
        }
    }
}
