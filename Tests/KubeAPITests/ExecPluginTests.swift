import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

@Suite("exec credential plugins")
struct ExecPluginTests {
    /// A plugin that counts its runs in `count` and prints a token valid for `validFor` seconds.
    private func plugin(_ dir: TemporaryDirectory, apiVersion: String, validFor: Int, fail: Bool = false) throws -> String {
        try dir.write("plugin.sh", """
            #!/bin/sh
            echo run >> "\(dir.path)/count"
            if [ "\(fail ? 1 : 0)" = 1 ]; then echo "error: you must be logged in (run 'login --sso')" >&2; exit 3; fi
            case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "no exec info" >&2; exit 4 ;; esac
            exp=$(date -u -d "@$(( $(date +%s) + \(validFor) ))" +%Y-%m-%dT%H:%M:%SZ)
            printf '{"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' "$PLUGIN_TOKEN" "$exp"
            """, executable: true)
    }

    private func kubeconfig(_ dir: TemporaryDirectory, server: String, apiVersion: String) throws -> String {
        try dir.write("config", """
            current-context: ci
            clusters: [{name: c, cluster: {server: "\(server)"}}]
            users:
            - name: ci
              user:
                exec:
                  apiVersion: \(apiVersion)
                  command: ./plugin.sh
                  args: []
                  env: [{name: PLUGIN_TOKEN, value: exec-token}]
                  interactiveMode: Never
                  installHint: install the test plugin
            contexts: [{name: ci, context: {cluster: c, user: ci}}]
            """)
    }

    private func runs(_ dir: TemporaryDirectory) -> Int {
        ((try? String(contentsOfFile: dir.path + "/count", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test(arguments: ExecConfig.supportedAPIVersions)
    func tokenIsCachedUntilExpiry(apiVersion: String) async throws {
        let server = try await LoopbackKubeServer(token: "exec-token")
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "exec")
        defer { dir.remove() }
        _ = try plugin(dir, apiVersion: apiVersion, validFor: 3600)
        let config = try KubeConfigLoader(.init(kubeconfig: try kubeconfig(dir, server: server.url, apiVersion: apiVersion))).load()
        let kube = KubeClient(configuration: config, http: try CurlHTTPClient(), environment: ["PATH": "/usr/bin:/bin"])
        for _ in 0..<3 { _ = try await kube.list(BuiltinResources.configMaps, namespace: "prod") }
        #expect(runs(dir) == 1)
        #expect(kube.credentialPluginRuns == 1)
    }

    @Test func expiredCredentialsAreRenewed() async throws {
        let server = try await LoopbackKubeServer(token: "exec-token")
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "exec")
        defer { dir.remove() }
        let api = "client.authentication.k8s.io/v1"
        _ = try plugin(dir, apiVersion: api, validFor: 3600)
        let config = try KubeConfigLoader(.init(kubeconfig: try kubeconfig(dir, server: server.url, apiVersion: api))).load()
        // A clock two hours ahead sees every credential as expired.
        let kube = KubeClient(configuration: config, http: try CurlHTTPClient(), environment: ["PATH": "/usr/bin:/bin"],
                              now: { Date().addingTimeInterval(7200) })
        for _ in 0..<3 { _ = try await kube.list(BuiltinResources.configMaps, namespace: "prod") }
        #expect(runs(dir) == 3)
    }

    @Test func failingPluginShowsItsStderr() async throws {
        let dir = try TemporaryDirectory(prefix: "exec")
        defer { dir.remove() }
        let api = "client.authentication.k8s.io/v1beta1"
        _ = try plugin(dir, apiVersion: api, validFor: 60, fail: true)
        let config = try KubeConfigLoader(.init(kubeconfig: try kubeconfig(dir, server: "http://127.0.0.1:1", apiVersion: api))).load()
        let kube = KubeClient(configuration: config, http: try CurlHTTPClient(), environment: ["PATH": "/usr/bin:/bin"])
        do {
            _ = try await kube.list(BuiltinResources.configMaps, namespace: "prod")
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.description.contains("exit status 3"))
            #expect(error.description.contains("you must be logged in"))
            #expect(error.description.contains(dir.path + "/config"))
        }
    }

    @Test func unsupportedAPIVersionIsAConfigurationError() throws {
        let dir = try TemporaryDirectory(prefix: "exec")
        defer { dir.remove() }
        let file = try kubeconfig(dir, server: "https://x", apiVersion: "client.authentication.k8s.io/v1alpha1")
        #expect(throws: KubeConfigError.self) { try KubeConfigLoader(.init(kubeconfig: file)).load() }
    }

    @Test func staticTokenAndUnauthorizedMessage() async throws {
        let server = try await LoopbackKubeServer(token: "right")
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let ok = server.client(http: http, credentials: .token(Redacted("right")))
        _ = try await ok.list(BuiltinResources.configMaps, namespace: "prod")
        #expect(server.requests.last?.authorization == "Bearer right")
        let bad = server.client(http: http, credentials: .token(Redacted("wrong")))
        do {
            _ = try await bad.list(BuiltinResources.configMaps, namespace: "prod")
            Issue.record("expected Unauthorized")
        } catch {
            #expect(error.isUnauthorized)
            #expect(!error.description.contains("wrong"))
            #expect(error.description.contains("test identity"))
        }
    }
}
