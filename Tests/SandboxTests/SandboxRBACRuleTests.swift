import Foundation
import KubeAPI
import Resources
import Sandbox
import Testing
import TestSupport

/// The RBAC authorizer's rule semantics, one table row per case, and the ClusterRole aggregation controller.
@Suite("Sandbox RBAC rules")
struct SandboxRBACRuleTests {
    static let roles = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: wildcard-reader}
        rules:
          - {apiGroups: ["*"], resources: ["*"], verbs: ["get"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: status-writer}
        rules:
          - {apiGroups: ["flagger.app"], resources: ["*/status"], verbs: ["update"]}
          - {apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["web"], verbs: ["*"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: cm-editor, namespace: team}
        rules:
          - {apiGroups: [""], resources: ["configmaps"], verbs: ["create", "list", "watch", "deletecollection"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: cm-editor, namespace: team}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-editor}
        subjects:
          - {kind: ServiceAccount, name: bot}          # namespace defaults to the binding's
          - {kind: User, name: alice}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: team-status, namespace: team}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: status-writer}
        subjects:
          - {kind: Group, name: "system:serviceaccounts:team"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: all-sa-read}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: wildcard-reader}
        subjects:
          - {kind: Group, name: "system:serviceaccounts"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: everyone-list-ns}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ns-lister}
        subjects:
          - {kind: Group, name: "system:authenticated"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: ns-lister}
        rules:
          - {apiGroups: [""], resources: ["namespaces"], verbs: ["list"]}
        """

    struct Row: Sendable, CustomTestStringConvertible {
        var user: RBACUser
        var verb: String
        var group: String
        var resource: String
        var subresource = ""
        var namespace = ""
        var name = ""
        var allowed: Bool
        var testDescription: String {
            "\(user.name) \(verb) \(group)/\(resource)\(subresource.isEmpty ? "" : "/" + subresource) ns=\(namespace) name=\(name) → \(allowed)"
        }
    }

    static let bot = RBACUser.serviceAccount(namespace: "team", name: "bot")
    static let other = RBACUser.serviceAccount(namespace: "other", name: "bot")
    static let alice = RBACUser(name: "alice")
    static let bob = RBACUser(name: "bob", groups: ["devs"])

    static let rows: [Row] = [
        // `*` apiGroups and resources, through the system:serviceaccounts group, at any scope.
        Row(user: other, verb: "get", group: "apps", resource: "deployments", namespace: "x", name: "a", allowed: true),
        Row(user: other, verb: "get", group: "", resource: "nodes", name: "n", allowed: true),
        Row(user: other, verb: "list", group: "apps", resource: "deployments", namespace: "x", allowed: false),
        // `*` covers subresources too ("*" matches "canaries/status").
        Row(user: other, verb: "get", group: "flagger.app", resource: "canaries", subresource: "status", namespace: "x", name: "c", allowed: true),
        // `*/status` matches any resource's status subresource, not the main resource.
        Row(user: bot, verb: "update", group: "flagger.app", resource: "canaries", subresource: "status", namespace: "team", name: "c", allowed: true),
        Row(user: bot, verb: "update", group: "flagger.app", resource: "canaries", namespace: "team", name: "c", allowed: false),
        Row(user: bot, verb: "update", group: "flagger.app", resource: "canaries", subresource: "scale", namespace: "team", name: "c", allowed: false),
        // A RoleBinding grants only in its namespace.
        Row(user: bot, verb: "update", group: "flagger.app", resource: "canaries", subresource: "status", namespace: "prod", name: "c", allowed: false),
        // resourceNames: only the named object; never list or create (no name).
        Row(user: bot, verb: "delete", group: "apps", resource: "deployments", namespace: "team", name: "web", allowed: true),
        Row(user: bot, verb: "delete", group: "apps", resource: "deployments", namespace: "team", name: "api", allowed: false),
        Row(user: bot, verb: "create", group: "apps", resource: "deployments", namespace: "team", allowed: false),
        // A Role through a RoleBinding: ServiceAccount subject without a namespace = the binding's namespace.
        Row(user: bot, verb: "create", group: "", resource: "configmaps", namespace: "team", allowed: true),
        Row(user: bot, verb: "deletecollection", group: "", resource: "configmaps", namespace: "team", allowed: true),
        Row(user: bot, verb: "watch", group: "", resource: "configmaps", namespace: "team", allowed: true),
        Row(user: other, verb: "create", group: "", resource: "configmaps", namespace: "team", allowed: false),
        Row(user: bot, verb: "patch", group: "", resource: "configmaps", namespace: "team", name: "c", allowed: false),
        Row(user: bot, verb: "create", group: "", resource: "configmaps", namespace: "default", allowed: false),
        // User subjects; system:authenticated reaches every user.
        Row(user: alice, verb: "list", group: "", resource: "configmaps", namespace: "team", allowed: true),
        Row(user: bob, verb: "list", group: "", resource: "configmaps", namespace: "team", allowed: false),
        Row(user: bob, verb: "list", group: "", resource: "namespaces", allowed: true),
        Row(user: bob, verb: "get", group: "", resource: "namespaces", namespace: "team", name: "team", allowed: false),
        // system:masters is never asked.
        Row(user: .admin, verb: "deletecollection", group: "x.io", resource: "anything", allowed: true),
    ]

    static func setup() async throws -> (Sandbox, KubeClient, TemporaryDirectory) {
        var options = Sandbox.Options()
        options.rbac = true
        let sandbox = try Sandbox(options: options)
        let dir = try TemporaryDirectory(prefix: "rbac-rules")
        let admin = try SandboxRBACTests.Setup.client(sandbox.kubeconfig(), dir)
        for m in try ManifestDecoder().decode(yaml: roles, file: "roles.yaml") {
            let mapping = try await admin.mapping(apiVersion: m.apiVersion, kind: m.kind)
            _ = try await admin.create(mapping, namespace: m.namespace.isEmpty ? nil : m.namespace, object: m.object)
        }
        return (sandbox, admin, dir)
    }

    @Test("rule matching: wildcards, subresources, resourceNames, Role/ClusterRole, subjects")
    func table() async throws {
        let (sandbox, _, dir) = try await Self.setup()
        defer {
            sandbox.stop()
            dir.remove()
        }
        for row in Self.rows {
            let allowed = sandbox.isAllowed(
                row.user, verb: row.verb, group: row.group, resource: row.resource, subresource: row.subresource,
                namespace: row.namespace, name: row.name)
            #expect(allowed == row.allowed, "\(row.testDescription)")
        }
    }

    @Test("a binding to a missing role: the 403 carries kube-apiserver's RBAC reason")
    func missingRoleReason() async throws {
        let (sandbox, admin, dir) = try await Self.setup()
        defer {
            sandbox.stop()
            dir.remove()
        }
        let binding: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "dangling"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "gone"],
            "subjects": [["kind": "ServiceAccount", "name": "bot"]],
        ]
        let rb = try await admin.mapping(apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding")
        _ = try await admin.create(rb, namespace: "team", object: binding)
        let client = try SandboxRBACTests.Setup.client(
            sandbox.kubeconfig(bearerToken: sandbox.issueToken(namespace: "team", serviceAccount: "bot")), dir)
        do {
            _ = try await client.get(BuiltinResources.secrets, namespace: "team", name: "s").description
            // get is allowed by wildcard-reader (404 is expected, not 403)
        } catch {
            #expect(error.isNotFound)
        }
        do {
            _ = try await client.patch(BuiltinResources.secrets, namespace: "team", name: "s", patch: .merge(["data": [:]]))
            Issue.record("expected 403")
        } catch {
            #expect(error.status?.message == #"secrets "s" is forbidden: User "system:serviceaccount:team:bot" cannot patch resource "secrets" in API group "" in the namespace "team": RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found"#)
        }
    }

    @Test("aggregated ClusterRoles: rules follow the labelled roles as they come and go")
    func aggregation() async throws {
        let (sandbox, admin, dir) = try await Self.setup()
        defer {
            sandbox.stop()
            dir.remove()
        }
        let cr = try await admin.mapping(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole")
        let aggregate: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": "agg"],
            "aggregationRule": ["clusterRoleSelectors": [
                ["matchLabels": ["agg": "yes"]],
                ["matchExpressions": [["key": "tier", "operator": "In", "values": ["a", "b"]]]],
            ]],
            "rules": [],
        ]
        _ = try await admin.create(cr, object: aggregate)
        func part(_ name: String, labels: JSONValue, resource: String) -> JSONValue {
            ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
             "metadata": ["name": .string(name), "labels": labels],
             "rules": [["apiGroups": ["x.io"], "resources": [.string(resource)], "verbs": ["get"]]]]
        }
        _ = try await admin.create(cr, object: part("p1", labels: ["agg": "yes"], resource: "ones"))
        _ = try await admin.create(cr, object: part("p2", labels: ["tier": "b"], resource: "twos"))
        _ = try await admin.create(cr, object: part("p3", labels: ["tier": "c"], resource: "threes"))
        var rules = try await admin.get(cr, name: "agg")["rules"]?.arrayValue ?? []
        #expect(rules.compactMap { $0["resources"]?.arrayValue?.first?.stringValue } == ["ones", "twos"])
        _ = try await admin.delete(cr, name: "p1")
        rules = try await admin.get(cr, name: "agg")["rules"]?.arrayValue ?? []
        #expect(rules.compactMap { $0["resources"]?.arrayValue?.first?.stringValue } == ["twos"])
        // Re-applying the aggregate with empty rules does not clear them (the controller refills at once).
        _ = try await admin.patch(cr, name: "agg", patch: .merge(["rules": []]))
        rules = try await admin.get(cr, name: "agg")["rules"]?.arrayValue ?? []
        #expect(rules.count == 1)
    }

    @Test("authentication: unknown tokens 401; the control API is for the admin; tokens over the control API")
    func controlAPI() async throws {
        let (sandbox, _, dir) = try await Self.setup()
        defer {
            sandbox.stop()
            dir.remove()
        }
        guard let admin = sandbox.adminToken else {
            Issue.record("RBAC mode has no admin token")
            return
        }
        func curl(_ method: String, _ path: String, token: String?, body: String? = nil) throws -> (Int, JSONValue) {
            var args = ["-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", "-m", "10"]
            if let token { args += ["-H", "Authorization: Bearer \(token)"] }
            if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
            let r = try SandboxProcessRunner.run("/usr/bin/curl", args + [sandbox.apiURL + path], timeout: 15)
            let parts = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(parts.last ?? "") ?? 0, (try? JSONParser.parse(parts.dropLast().joined(separator: "\n"))) ?? .null)
        }
        #expect(try curl("GET", "/api/v1/namespaces", token: nil).0 == 401)
        #expect(try curl("GET", "/api/v1/namespaces", token: "made-up").0 == 401)
        let (code, issued) = try curl("POST", "/sandbox/tokens", token: admin, body: #"{"namespace":"team","serviceAccount":"bot"}"#)
        #expect(code == 201)
        #expect(issued["username"] == "system:serviceaccount:team:bot")
        let token = issued["token"]?.stringValue ?? ""
        #expect(try curl("GET", "/api/v1/namespaces/team/configmaps", token: token).0 == 200)
        let (denied, status) = try curl("GET", "/sandbox/faults", token: token)
        #expect(denied == 403)
        #expect(status["message"] == #"forbidden: User "system:serviceaccount:team:bot" cannot get path "/sandbox/faults""#)
        // Discovery is open to every authenticated user (system:discovery).
        #expect(try curl("GET", "/apis", token: token).0 == 200)
        // SelfSubjectAccessReview answers for the caller.
        let review = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"team","verb":"create","resource":"configmaps"}}}"#
        let (rc, answer) = try curl("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", token: token, body: review)
        #expect(rc == 201)
        #expect(answer["status", "allowed"] == true)
    }

    @Test("kubectl with a service-account token over TLS: get, Forbidden text, auth can-i")
    func kubectlOverTLS() async throws {
        guard let kubectl = KubectlTool.detect() else { return }
        let (sandbox, _, dir) = try await Self.setup()
        defer {
            sandbox.stop()
            dir.remove()
        }
        try FileManager.default.createDirectory(atPath: dir.path + "/pki", withIntermediateDirectories: true)
        let pki = try TLSCertificates.generate(in: dir.path + "/pki")
        let tls = try TLSTerminator(
            certificate: pki.serverCertPath, key: pki.serverKeyPath, clientCA: nil, backendPort: Int(sandbox.port),
            logDirectory: dir.path)
        defer { tls.stop() }
        let token = sandbox.issueToken(namespace: "team", serviceAccount: "bot")
        let kubeconfig = sandbox.kubeconfig(namespace: "team", bearerToken: token)
            .replacingOccurrences(of: sandbox.apiURL, with: "https://127.0.0.1:\(tls.port)\n    certificate-authority: \(pki.caCertPath)")
        let path = dir.path + "/kubeconfig-tls"
        try Data(kubeconfig.utf8).write(to: URL(fileURLWithPath: path))
        func run(_ args: [String]) throws -> SandboxProcessRunner.Result {
            try SandboxProcessRunner.run(
                kubectl.path, ["--kubeconfig", path, "--cache-dir", dir.path + "/cache-\(UUID().uuidString)"] + args,
                environment: ["HOME": dir.path], timeout: 30)
        }
        let ok = try run(["get", "configmaps", "-o", "name"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let denied = try run(["get", "secrets", "-n", "default"])
        #expect(denied.status != 0)
        #expect(denied.stderr.contains(#"Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:team:bot" cannot list resource "secrets" in API group "" in the namespace "default""#), "\(denied.stderr)")
        let yes = try run(["auth", "can-i", "create", "configmaps"])
        #expect(yes.status == 0, "\(yes.stderr)")
        #expect(yes.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        let no = try run(["auth", "can-i", "delete", "configmaps", "-n", "team"])
        #expect(no.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
        #expect(no.status != 0)
    }
}
