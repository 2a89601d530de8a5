import Foundation
import KubeAPI
import Resources
import Sandbox
import Testing
import TestSupport

/// RBAC mode: service-account tokens, the stored Roles/ClusterRoles/bindings evaluated as kube-apiserver's RBAC
/// authorizer, and its exact 403 `Status`.
@Suite("Sandbox RBAC mode")
struct SandboxRBACTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sa = "system:serviceaccount:gitcanary-system:gitcanary"

    /// An RBAC-mode Sandbox with the CRDs, deploy/cronjob/rbac.yaml and sync-rbac.yaml applied by the admin.
    struct Setup {
        var sandbox: Sandbox
        var admin: KubeClient
        var directory: TemporaryDirectory

        init() async throws {
            var options = Sandbox.Options()
            options.rbac = true
            sandbox = try Sandbox(options: options)
            directory = try TemporaryDirectory(prefix: "rbac")
            admin = try Self.client(sandbox.kubeconfig(), directory)
            var files = ["deploy/cronjob/namespace.yaml", "deploy/cronjob/rbac.yaml", "deploy/cronjob/sync-rbac.yaml"]
            files += ["alertproviders", "canaries", "metrictemplates"].map { "deploy/crds/\($0).flagger.app.yaml" }
            for file in files { try await apply(file) }
            _ = try await admin.create(
                BuiltinResources.namespaces, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "prod"]])
        }

        static func client(_ kubeconfig: String, _ dir: TemporaryDirectory) throws -> KubeClient {
            let path = dir.path + "/kubeconfig-\(UUID().uuidString)"
            try Data(kubeconfig.utf8).write(to: URL(fileURLWithPath: path))
            let configuration = try KubeConfigLoader(.init(kubeconfig: path, homeDirectory: dir.path)).load()
            return KubeClient(configuration: configuration, http: try CurlHTTPClient())
        }

        func apply(_ file: String) async throws {
            let text = try String(contentsOf: SandboxRBACTests.repo.appendingPathComponent(file), encoding: .utf8)
            for m in try ManifestDecoder().decode(yaml: text, file: file) {
                let mapping = try await admin.mapping(apiVersion: m.apiVersion, kind: m.kind)
                _ = try await admin.create(mapping, namespace: m.namespace.isEmpty ? nil : m.namespace, object: m.object)
            }
        }

        func serviceAccountClient() throws -> KubeClient {
            let token = sandbox.issueToken(namespace: "gitcanary-system", serviceAccount: "gitcanary")
            return try Self.client(sandbox.kubeconfig(bearerToken: token), directory)
        }

        func stop() {
            sandbox.stop()
            directory.remove()
        }
    }

    static func deployment(_ name: String) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
            "spec": ["selector": ["matchLabels": ["app": .string(name)]],
                     "template": ["metadata": ["labels": ["app": .string(name)]],
                                  "spec": ["containers": [["name": "app", "image": "web:1"]]]]],
        ]
    }

    @Test("deploy/cronjob RBAC: the engine's verbs succeed, missing ones get kube-apiserver's exact 403")
    func cronjobServiceAccount() async throws {
        let s = try await Setup()
        defer { s.stop() }
        let client = try s.serviceAccountClient()
        let canaries = try await client.mapping(apiVersion: "flagger.app/v1beta1", kind: "Canary")
        let deployments = try await client.mapping(apiVersion: "apps/v1", kind: "Deployment")
        let leases = try await client.mapping(apiVersion: "coordination.k8s.io/v1", kind: "Lease")
        let clusterRoles = try await client.mapping(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole")

        // Allowed: the Git sync (aggregated gitcanary-sync) and the engine (gitcanary-engine, gitcanary-run).
        _ = try await client.create(deployments, namespace: "prod", object: Self.deployment("web"))
        _ = try await client.patch(deployments, namespace: "prod", name: "web",
                                   patch: .merge(["spec": ["replicas": 2]]))
        let canary: JSONValue = [
            "apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": ["name": "web"],
            "spec": ["targetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "web"],
                     "service": ["port": 80], "analysis": ["interval": "1m", "threshold": 5]],
        ]
        var created = try await client.create(canaries, namespace: "prod", object: canary)
        #expect(try await client.list(canaries, namespace: "prod").items.count == 1)
        created["status"] = ["phase": "Initializing"]
        _ = try await client.update(canaries, namespace: "prod", name: "web", object: created, subresource: "status")
        _ = try await client.create(leases, namespace: "gitcanary-system",
                                    object: ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "gitcanary-0"]])

        // Denied: a Lease outside the engine's namespace (namespaced form, no name on create).
        await expectForbidden(
            { _ = try await client.create(leases, namespace: "prod",
                                          object: ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "x"]]) },
            message: #"leases.coordination.k8s.io is forbidden: User "\#(Self.sa)" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "prod""#,
            name: nil, group: "coordination.k8s.io", kind: "leases")
        // Denied: a subresource verb nobody grants (the subresource form, with the object's name).
        await expectForbidden(
            {
                var request = KubeRequest.delete(canaries, namespace: "prod", name: "web")
                request.subresource = "status"
                _ = try await client.send(request)
            },
            message: #"canaries.flagger.app "web" is forbidden: User "\#(Self.sa)" cannot delete resource "canaries/status" in API group "flagger.app" in the namespace "prod""#,
            name: "web", group: "flagger.app", kind: "canaries")
        // Denied: a cluster-scoped list.
        await expectForbidden(
            { _ = try await client.list(clusterRoles) },
            message: #"clusterroles.rbac.authorization.k8s.io is forbidden: User "\#(Self.sa)" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope"#,
            name: nil, group: "rbac.authorization.k8s.io", kind: "clusterroles")
        // Denied: the core group (empty group, no details.group).
        await expectForbidden(
            { _ = try await client.delete(BuiltinResources.namespaces, name: "prod") },
            message: #"namespaces "prod" is forbidden: User "\#(Self.sa)" cannot delete resource "namespaces" in API group "" in the namespace "prod""#,
            name: "prod", group: nil, kind: "namespaces")
    }

    @Test("a server-side apply that creates its object is authorized as a create too, as kube-apiserver does")
    func applyCreateNeedsCreate() async throws {
        let s = try await Setup()
        defer { s.stop() }
        let role: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": "pod-patcher", "namespace": "prod"],
            "rules": [["apiGroups": [""], "resources": ["pods"], "verbs": ["patch"]]],
        ]
        let binding: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ["name": "pod-patcher", "namespace": "prod"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-patcher"],
            "subjects": [["kind": "ServiceAccount", "name": "gitcanary", "namespace": "gitcanary-system"]],
        ]
        for o in [role, binding] {
            let m = Manifest(object: o)
            _ = try await s.admin.create(try await s.admin.mapping(apiVersion: m.apiVersion, kind: m.kind), namespace: "prod", object: o)
        }
        let client = try s.serviceAccountClient()
        let pod: JSONValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "namespace": "prod"],
            "spec": ["containers": [["name": "app", "image": "web:1"]]],
        ]
        let apply = { _ = try await client.patch(BuiltinResources.pods, namespace: "prod", name: "p", patch: .apply(pod, fieldManager: "t", force: true)) }
        await expectForbidden(
            apply,
            message: #"pods "p" is forbidden: User "\#(Self.sa)" cannot create resource "pods" in API group "" in the namespace "prod""#,
            name: "p", group: nil, kind: "pods")
        _ = try await s.admin.create(BuiltinResources.pods, namespace: "prod", object: pod)
        try await apply()  // the object exists: patch is enough
    }

    func expectForbidden(
        _ body: () async throws -> Void, message: String, name: String?, group: String?, kind: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected 403 \(message)", sourceLocation: sourceLocation)
        } catch let error as KubeAPIError {
            #expect(error.httpStatus == 403, sourceLocation: sourceLocation)
            #expect(error.isForbidden, sourceLocation: sourceLocation)
            #expect(error.status?.message == message, sourceLocation: sourceLocation)
            #expect(error.status?.name == (name ?? ""), sourceLocation: sourceLocation)
            #expect(error.status?.group == (group ?? ""), sourceLocation: sourceLocation)
            #expect(error.status?.kind == kind, sourceLocation: sourceLocation)
            // KubeAPI's text: the server's message (identity, verb, resource, namespace) and where to grant it.
            #expect(error.description.contains(message), sourceLocation: sourceLocation)
            #expect(error.description.contains("deploy/cronjob"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }
}
