import Foundation
import KubeAPI
import Resources
import Sandbox
import Testing
import TestSupport

/// GitCanary's own Kubernetes client (KubeAPI on libcurl) against the Sandbox, through the kubeconfig it writes.
@Suite("Sandbox with the KubeAPI client")
struct SandboxKubeClientTests {
    @Test("kubeconfig with a bearer token; create, get, list, apply, conflict, discovery of a CRD kind, delete")
    func roundTrip() async throws {
        let h = try SandboxHarness(token: "client-token")
        defer { h.stop() }
        let configuration = try KubeConfigLoader(.init(kubeconfig: h.kubeconfig, homeDirectory: h.directory)).load()
        let client = KubeClient(configuration: configuration, http: try CurlHTTPClient())
        let deployments = try await client.mapping(apiVersion: "apps/v1", kind: "Deployment")
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "labels": ["app": "web"]],
            "spec": ["selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "app", "image": "web:1"]]]]],
        ]
        let created = try await client.create(deployments, namespace: "default", object: deployment)
        #expect(created["status", "readyReplicas"] == 1)
        let listed = try await client.list(deployments, namespace: "default", options: ListOptions(labelSelector: "app=web"))
        #expect(listed.items.count == 1)
        let applied = try await client.patch(
            deployments, namespace: "default", name: "web",
            patch: .apply(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"], "spec": ["replicas": 3]],
                          fieldManager: "gitcanary", force: false))
        #expect(applied["spec", "replicas"] == 3)
        var stale = created
        stale.set(5, at: ["spec", "replicas"])
        do {
            _ = try await client.update(deployments, namespace: "default", name: "web", object: stale)
            Issue.record("a stale update succeeded")
        } catch {
            #expect(error.httpStatus == 409)
            #expect(error.status?.reason == "Conflict")
        }

        let crd: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "gadgets.example.com"],
            "spec": ["group": "example.com", "scope": "Namespaced", "names": ["plural": "gadgets", "kind": "Gadget"],
                     "versions": [["name": "v1", "served": true, "storage": true,
                                   "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]],
        ]
        let crds = try await client.mapping(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition")
        _ = try await client.create(crds, object: crd)
        let gadgets = try await client.mapping(apiVersion: "example.com/v1", kind: "Gadget")
        let gadget = try await client.create(
            gadgets, namespace: "default",
            object: ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g"], "spec": ["x": 1]])
        #expect(gadget["spec", "x"] == 1)

        try await client.delete(deployments, namespace: "default", name: "web",
                                options: DeleteOptions(propagationPolicy: .foreground))
        do {
            _ = try await client.get(deployments, namespace: "default", name: "web")
            Issue.record("the deployment survived its deletion")
        } catch {
            #expect(error.httpStatus == 404)
        }
        #expect(h.sandbox.requestCounts.mutating == 6)
    }
}
