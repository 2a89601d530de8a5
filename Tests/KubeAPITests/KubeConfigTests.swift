import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

@Suite("kubeconfig and in-cluster configuration")
struct KubeConfigTests {
    private let caB64 = Data("CA-PEM".utf8).base64EncodedString()

    private func first(_ dir: TemporaryDirectory) throws -> String {
        try dir.write("a/config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: dev
              cluster: {server: "https://dev.example:6443", certificate-authority-data: \(caB64), tls-server-name: kube.dev, proxy-url: "http://proxy:3128"}
            - name: shared
              cluster: {server: "https://from-a:6443", insecure-skip-tls-verify: true}
            users:
            - name: dev-user
              user: {token: s3cr3t-token}
            - name: basic
              user: {username: admin, password: hunter2}
            contexts:
            - name: dev
              context: {cluster: dev, user: dev-user, namespace: team-a}
            - name: shared
              context: {cluster: shared, user: basic}
            """)
    }

    private func second(_ dir: TemporaryDirectory) throws -> String {
        try dir.write("b/config", """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - name: shared
              cluster: {server: "https://from-b:6443"}
            - name: prod
              cluster: {server: "https://prod:6443", certificate-authority: ../ca/prod.pem}
            users:
            - name: prod-user
              user: {tokenFile: tokens/prod}
            contexts:
            - name: prod
              context: {cluster: prod, user: prod-user}
            """)
    }

    @Test func singleFileContextTokenTLSAndNamespace() throws {
        let dir = try TemporaryDirectory(prefix: "kc")
        defer { dir.remove() }
        let file = try first(dir)
        let c = try KubeConfigLoader(.init(kubeconfig: file)).load()
        #expect(c.server == "https://dev.example:6443")
        #expect(c.tls.certificateAuthority == Data("CA-PEM".utf8))
        #expect(c.tls.serverName == "kube.dev")
        #expect(c.proxy == "http://proxy:3128")
        #expect(c.credentials == .token(Redacted("s3cr3t-token")))
        #expect(c.namespace == "team-a")
        #expect(c.source.contains(file) && c.source.contains("\"dev\""))
        #expect(c.identity == #"user "dev-user" of context "dev""#)
        let explicitNS = try KubeConfigLoader(.init(kubeconfig: file, namespace: "other")).load()
        #expect(explicitNS.namespace == "other")
        let basic = try KubeConfigLoader(.init(kubeconfig: file, context: "shared")).load()
        #expect(basic.credentials == .basic(username: "admin", password: Redacted("hunter2")))
        #expect(basic.tls.insecureSkipVerify)
        #expect(basic.namespace == "default")
    }

    @Test func kubeconfigListMergesFirstWinsAndResolvesRelativePaths() throws {
        let dir = try TemporaryDirectory(prefix: "kc")
        defer { dir.remove() }
        let a = try first(dir)
        let b = try second(dir)
        try dir.write("ca/prod.pem", "PROD-CA")
        try dir.write("b/tokens/prod", "prod-token\n")
        let env = ["KUBECONFIG": "\(a):\(dir.path)/missing:\(b)"]
        let merged = try KubeConfigLoader(.init(environment: env)).load()
        #expect(merged.server == "https://dev.example:6443")  // current-context from the first file
        let shared = try KubeConfigLoader(.init(context: "shared", environment: env)).load()
        #expect(shared.server == "https://from-a:6443")  // the first file's cluster wins
        let prod = try KubeConfigLoader(.init(context: "prod", environment: env)).load()
        #expect(prod.tls.certificateAuthority == Data("PROD-CA".utf8))
        #expect(prod.credentials == .tokenFile(dir.path + "/b/tokens/prod"))
        // --kubeconfig beats KUBECONFIG.
        let flag = try KubeConfigLoader(.init(kubeconfig: b, environment: env)).load()
        #expect(flag.server == "https://prod:6443")
    }

    @Test func precedenceInClusterBeforeHomeConfig() throws {
        let dir = try TemporaryDirectory(prefix: "kc")
        defer { dir.remove() }
        try dir.write("home/.kube/config", """
            current-context: home
            clusters: [{name: home, cluster: {server: "https://home:6443"}}]
            contexts: [{name: home, context: {cluster: home}}]
            """)
        try dir.write("sa/token", "sa-token")
        try dir.write("sa/ca.crt", "SA-CA")
        try dir.write("sa/namespace", "gitcanary\n")
        let home = try KubeConfigLoader(.init(homeDirectory: dir.path + "/home", serviceAccountRoot: dir.path + "/sa")).load()
        #expect(home.server == "https://home:6443")
        let env = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let pod = try KubeConfigLoader(.init(environment: env, homeDirectory: dir.path + "/home", serviceAccountRoot: dir.path + "/sa")).load()
        #expect(pod.server == "https://10.0.0.1:443")
        #expect(pod.tls.certificateAuthority == Data("SA-CA".utf8))
        #expect(pod.credentials == .tokenFile(dir.path + "/sa/token"))
        #expect(pod.namespace == "gitcanary")
        #expect(pod.source.contains("in-cluster"))
        let v6 = try KubeConfigLoader(.init(environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"],
                                            serviceAccountRoot: dir.path + "/sa")).load()
        #expect(v6.server == "https://[fd00::1]:443")
    }

    @Test func errorsNameTheSourceAndWhatIsMissing() throws {
        let dir = try TemporaryDirectory(prefix: "kc")
        defer { dir.remove() }
        let file = try first(dir)
        #expect(throws: KubeConfigError.self) { try KubeConfigLoader(.init(kubeconfig: dir.path + "/nope")).load() }
        do {
            _ = try KubeConfigLoader(.init(kubeconfig: file, context: "staging")).load()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(file))
            #expect(error.description.contains(#"no context named "staging""#))
            #expect(error.description.contains("dev, shared"))
        }
        let partial = try dir.write("partial", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://c"}}]
            users: [{name: u, user: {client-certificate-data: \(caB64)}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        do {
            _ = try KubeConfigLoader(.init(kubeconfig: partial)).load()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(#"user "u" has a client certificate but no client-key"#))
        }
        do {
            _ = try KubeConfigLoader(.init(environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                                           serviceAccountRoot: dir.path + "/none")).load()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("in-cluster"))
            #expect(error.description.contains(dir.path + "/none/token"))
        }
        do {
            _ = try KubeConfigLoader(.init(homeDirectory: dir.path + "/empty-home")).load()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("KUBECONFIG is unset"))
            #expect(error.description.contains("KUBERNETES_SERVICE_HOST"))
        }
    }

    @Test func secretsNeverPrint() throws {
        let dir = try TemporaryDirectory(prefix: "kc")
        defer { dir.remove() }
        let c = try KubeConfigLoader(.init(kubeconfig: try first(dir))).load()
        let shown = "\(c) \(String(reflecting: c)) \(c.credentials)"
        #expect(!shown.contains("s3cr3t-token"))
        let basic = try KubeConfigLoader(.init(kubeconfig: try first(dir), context: "shared")).load()
        #expect(!"\(basic)".contains("hunter2"))
    }
}
