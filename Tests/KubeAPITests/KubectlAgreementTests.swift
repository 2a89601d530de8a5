import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

/// Our kubeconfig merging and context resolution agree with the real `kubectl config view --minify`.
@Suite("kubeconfig resolution agrees with kubectl")
struct KubectlAgreementTests {
    @Test(.enabled(if: Command.which("kubectl") != nil, "kubectl is not installed"),
          arguments: [nil, "dev", "shared", "prod"] as [String?])
    func sameServerNamespaceAndUser(context: String?) throws {
        let dir = try TemporaryDirectory(prefix: "kubectl")
        defer { dir.remove() }
        let a = try dir.write("a/config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - {name: dev, cluster: {server: "https://dev:6443"}}
            - {name: shared, cluster: {server: "https://from-a:6443"}}
            users:
            - {name: dev-user, user: {token: t1}}
            contexts:
            - {name: dev, context: {cluster: dev, user: dev-user, namespace: team-a}}
            - {name: shared, context: {cluster: shared, user: dev-user}}
            """)
        let b = try dir.write("b/config", """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - {name: shared, cluster: {server: "https://from-b:6443"}}
            - {name: prod, cluster: {server: "https://prod:6443"}}
            users:
            - {name: dev-user, user: {token: t2}}
            - {name: prod-user, user: {token: t3}}
            contexts:
            - {name: shared, context: {cluster: prod, user: prod-user, namespace: other}}
            - {name: prod, context: {cluster: prod, user: prod-user, namespace: prod-ns}}
            """)
        let kubeconfig = "\(a):\(b)"
        let ours = try KubeConfigLoader(.init(context: context, environment: ["KUBECONFIG": kubeconfig])).load()
        let kubectl = try #require(Command.which("kubectl"))
        var args = ["config", "view", "--minify", "--raw", "-o", "json"]
        if let context { args += ["--context", context] }
        let result = try Command.run(kubectl, args, environment: ["KUBECONFIG": kubeconfig, "HOME": dir.path, "PATH": "/usr/bin:/bin"])
        let view = try JSONParser.parse(result.stdout)
        let theirs = view["clusters"]?.arrayValue?.first?["cluster", "server"]?.stringValue
        let namespace = view["contexts"]?.arrayValue?.first?["context", "namespace"]?.stringValue ?? "default"
        let token = view["users"]?.arrayValue?.first?["user", "token"]?.stringValue
        #expect(ours.server == theirs)
        #expect(ours.namespace == namespace)
        #expect(ours.credentials == .token(Redacted(token ?? "")))
    }
}
