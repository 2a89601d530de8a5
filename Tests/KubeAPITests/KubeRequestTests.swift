import Foundation
import KubeAPI
import Resources
import Testing

@Suite("KubeRequest building (no network)")
struct KubeRequestTests {
    let deployments = BuiltinResources.deployments
    let canaries = BuiltinResources.canaries

    private func header(_ r: KubeRequest, _ name: String) -> String? { r.headers.first { $0.name == name }?.value }
    private func body(_ r: KubeRequest) throws -> JSONValue { try JSONParser.parse(r.body ?? []) }

    @Test func getPathsForCoreGroupAndNamedGroups() {
        let pod = KubeRequest.get(BuiltinResources.pods, namespace: "prod", name: "web-0")
        #expect(pod.method == "GET")
        #expect(pod.pathAndQuery == "/api/v1/namespaces/prod/pods/web-0")
        #expect(header(pod, "Accept") == "application/json")
        #expect(pod.body == nil)
        let status = KubeRequest.get(canaries, namespace: "prod", name: "podinfo", subresource: "status")
        #expect(status.path == "/apis/flagger.app/v1beta1/namespaces/prod/canaries/podinfo/status")
        let ns = KubeRequest.get(BuiltinResources.namespaces, namespace: "ignored", name: "prod")
        #expect(ns.path == "/api/v1/namespaces/prod")
    }

    @Test func listAcrossNamespacesWithSelectorsAndPagination() {
        let all = KubeRequest.list(deployments)
        #expect(all.pathAndQuery == "/apis/apps/v1/deployments")
        #expect(all.summary == "list deployments.apps in all namespaces")
        let r = KubeRequest.list(
            deployments, namespace: "prod",
            options: ListOptions(labelSelector: "app=podinfo,tier!=db", fieldSelector: "metadata.name=web", limit: 50, continueToken: "abc/+="))
        #expect(r.pathAndQuery == "/apis/apps/v1/namespaces/prod/deployments?labelSelector=app%3Dpodinfo%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Dweb&limit=50&continue=abc%2F%2B%3D")
        #expect(r.isIdempotent)
    }

    @Test func createPostsJSONWithDryRunAndFieldManager() throws {
        let obj: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"]]
        let r = KubeRequest.create(BuiltinResources.configMaps, namespace: "prod", object: obj, options: WriteOptions(dryRun: true, fieldManager: "gitcanary"))
        #expect(r.method == "POST")
        #expect(r.pathAndQuery == "/api/v1/namespaces/prod/configmaps?dryRun=All&fieldManager=gitcanary")
        #expect(header(r, "Content-Type") == "application/json")
        #expect(try body(r) == obj)
        #expect(!r.isIdempotent)
    }

    @Test func updateCarriesTheResourceVersionPrecondition() throws {
        let obj: JSONValue = ["metadata": ["name": "podinfo"], "status": ["phase": "Progressing"]]
        let r = KubeRequest.update(canaries, namespace: "prod", name: "podinfo", object: obj, resourceVersion: "42", subresource: "status")
        #expect(r.method == "PUT")
        #expect(r.path == "/apis/flagger.app/v1beta1/namespaces/prod/canaries/podinfo/status")
        #expect(try body(r)["metadata", "resourceVersion"] == "42")
        #expect(r.isConditional)
        let unconditional = KubeRequest.update(canaries, namespace: "prod", name: "podinfo", object: ["metadata": ["name": "podinfo"]])
        #expect(!unconditional.isConditional)
    }

    @Test(arguments: [
        (Patch.merge(["spec": ["replicas": 2]]), "application/merge-patch+json", ""),
        (Patch.json([["op": "replace", "path": "/spec/replicas", "value": 2]]), "application/json-patch+json", ""),
        (Patch.strategicMerge(["spec": ["replicas": 2]]), "application/strategic-merge-patch+json", ""),
        (Patch.apply(["spec": ["replicas": 2]], fieldManager: "gitcanary", force: true), "application/apply-patch+yaml", "?fieldManager=gitcanary&force=true"),
    ])
    func patchContentTypes(patch: Patch, contentType: String, query: String) throws {
        let r = KubeRequest.patch(deployments, namespace: "prod", name: "web", patch: patch)
        #expect(r.method == "PATCH")
        #expect(r.pathAndQuery == "/apis/apps/v1/namespaces/prod/deployments/web" + query)
        #expect(header(r, "Content-Type") == contentType)
        #expect(r.body?.isEmpty == false)
    }

    @Test func serverSideApplyIsIdempotentAndDryRunnable() {
        let r = KubeRequest.patch(
            deployments, namespace: "prod", name: "web", patch: .apply(["kind": "Deployment"], fieldManager: "gitcanary-rollout", force: false),
            options: WriteOptions(dryRun: true))
        #expect(r.pathAndQuery == "/apis/apps/v1/namespaces/prod/deployments/web?dryRun=All&fieldManager=gitcanary-rollout&force=false")
        #expect(r.isIdempotent)
        #expect(!KubeRequest.patch(deployments, name: "web", patch: .merge([:])).isIdempotent)
    }

    @Test func deleteSendsDeleteOptionsWithPreconditions() throws {
        let r = KubeRequest.delete(
            BuiltinResources.leases, namespace: "gitcanary", name: "run",
            options: DeleteOptions(propagationPolicy: .background, preconditionResourceVersion: "7", dryRun: true))
        #expect(r.method == "DELETE")
        #expect(r.pathAndQuery == "/apis/coordination.k8s.io/v1/namespaces/gitcanary/leases/run?dryRun=All")
        let b = try body(r)
        #expect(b["kind"] == "DeleteOptions")
        #expect(b["propagationPolicy"] == "Background")
        #expect(b["preconditions", "resourceVersion"] == "7")
        #expect(r.isConditional)
    }

    @Test func namesAreEscapedAsPathSegments() {
        let r = KubeRequest.get(BuiltinResources.configMaps, namespace: "a b", name: "x/y")
        #expect(r.path == "/api/v1/namespaces/a%20b/configmaps/x%2Fy")
    }

    @Test func builtinTableMapsKindsWithoutDiscovery() {
        #expect(BuiltinResources.mapping(apiVersion: "apps/v1", kind: "Deployment")?.gvr.resource == "deployments")
        #expect(BuiltinResources.mapping(apiVersion: "v1", kind: "Namespace")?.namespaced == false)
        #expect(BuiltinResources.mapping(apiVersion: "coordination.k8s.io/v1", kind: "Lease")?.gvr.groupVersionPath == "/apis/coordination.k8s.io/v1")
        #expect(BuiltinResources.mapping(apiVersion: "example.com/v1", kind: "Widget") == nil)
    }
}
