import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

/// Hostile client configurations and unreachable servers: (input, expected error substring, expected location),
/// where the location is the kubeconfig file (or the server) the message must name.
@Suite("Hostile kubeconfigs and servers")
struct HostileKubeconfigTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Case: Sendable {
        var input: String
        /// The kubeconfig text; nil: the file does not exist.
        var kubeconfig: String?
        var context: String? = nil
        var expected: String
        /// Whether the failure shows only when a request is made (exec plugins, transport).
        var atRequest = false
    }

    static func config(server: String = "http://127.0.0.1:1", cluster: String = "", user: String = "{}",
                       current: String = "ci", contextCluster: String = "c", contextUser: String = "ci") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: \(current)
        clusters:
        - name: c
          cluster:
            server: "\(server)"
        \(cluster)
        users:
        - name: ci
          user: \(user)
        contexts:
        - name: ci
          context: {cluster: \(contextCluster), user: \(contextUser)}
        """
    }

    static let cases: [Case] = [
        Case(input: "kubeconfig file missing", kubeconfig: nil, expected: "the file does not exist"),
        Case(input: "kubeconfig is not YAML", kubeconfig: "clusters: [\n  - {name: c\n", expected: "not valid YAML"),
        Case(input: "kubeconfig is a YAML list", kubeconfig: "- a\n- b\n", expected: "the document is not a mapping"),
        Case(input: "cluster without server", kubeconfig: config().replacingOccurrences(of: "    server: \"http://127.0.0.1:1\"\n", with: "    insecure-skip-tls-verify: true\n"), expected: "cluster \"c\" has no `server`"),
        Case(input: "server is not a URL", kubeconfig: config(server: "::not a url::"), expected: "server \"::not a url::\" is not an http(s) URL"),
        Case(input: "certificate-authority-data is not base64", kubeconfig: config(server: "https://127.0.0.1:1", cluster: "    certificate-authority-data: '%%%not-base64%%%'"), expected: "certificate-authority-data is not valid base64"),
        Case(input: "certificate-authority file missing", kubeconfig: config(server: "https://127.0.0.1:1", cluster: "    certificate-authority: /nonexistent/ca.pem"), expected: "cannot read /nonexistent/ca.pem"),
        Case(input: "--context names an unknown context", kubeconfig: config(), context: "prod", expected: "no context named \"prod\" (known: ci)"),
        Case(input: "current-context names a missing context", kubeconfig: config(current: "gone"), expected: "no context named \"gone\""),
        Case(input: "context names a missing cluster", kubeconfig: config(contextCluster: "nowhere"), expected: "the context names cluster \"nowhere\", which is not defined"),
        Case(input: "context names a missing user", kubeconfig: config(contextUser: "nobody"), expected: "the context names user \"nobody\", which is not defined"),
        Case(input: "client-certificate-data without a key", kubeconfig: config(user: "{client-certificate-data: Zm9v}"), expected: "has a client certificate but no client-key or client-key-data"),
        Case(input: "tokenFile missing", kubeconfig: config(user: "{tokenFile: /nonexistent/token}"), expected: "tokenFile /nonexistent/token of user \"ci\" cannot be read"),
        Case(input: "exec plugin failing (exit 3)", kubeconfig: config(user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: [-c, 'echo login required >&2; exit 3'], interactiveMode: Never}}"), expected: "failed with exit status 3; stderr:", atRequest: true),
        Case(input: "exec plugin not installed", kubeconfig: config(user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: no-such-plugin, interactiveMode: Never, installHint: 'install no-such-plugin'}}"), expected: "exec plugin no-such-plugin failed with exit status 127", atRequest: true),
        Case(input: "exec plugin printing garbage", kubeconfig: config(user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/echo, args: [not json], interactiveMode: Never}}"), expected: "printed something that is not JSON", atRequest: true),
        Case(input: "unreachable API server (connection refused)", kubeconfig: config(), expected: "Failed to connect to 127.0.0.1 port 1", atRequest: true),
    ]

    @Test("every case gives a clear error naming the kubeconfig or server")
    func table() async throws {
        let dir = try TemporaryDirectory(prefix: "hostile-kubeconfig")
        defer { dir.remove() }
        var records: [HostileInputRecord] = []
        for (i, c) in Self.cases.enumerated() {
            let path = dir.path + "/config-\(i)"
            if let text = c.kubeconfig { _ = try dir.write("config-\(i)", text) }
            var message = ""
            do {
                let configuration = try KubeConfigLoader(.init(kubeconfig: path, context: c.context, homeDirectory: dir.path)).load()
                #expect(c.atRequest, "\(c.input): loaded without an error")
                let client = KubeClient(configuration: configuration, http: try CurlHTTPClient(),
                                        environment: ["PATH": "/usr/bin:/bin"], retry: RetryPolicy(maxAttempts: 1))
                _ = try await client.list(BuiltinResources.configMaps, namespace: "prod")
                Issue.record("\(c.input): the request succeeded")
            } catch let e as KubeConfigError {
                #expect(!c.atRequest, "\(c.input): failed at load: \(e)")
                message = e.description
            } catch let e as KubeAPIError {
                message = e.description
            }
            let location = c.input.contains("unreachable") ? "127.0.0.1:1" : path
            #expect(message.contains(location), "\(c.input): \(message)")
            #expect(message.contains(c.expected), "\(c.input): \(message)")
            records.append(HostileInputRecord(
                input: c.input, error: message.replacingOccurrences(of: dir.path, with: "$TMP").split(separator: "\n").joined(separator: " ")))
        }
        try HostileInputDoc.record(section: "kubeconfig", title: "Kubeconfigs and API servers (KubeAPI)",
                                   packageRoot: Self.packageRoot, records)
    }
}
