import Foundation
import KubeAPI
import Resources
import Testing
import TestSupport

@Suite("KubeClient against the loopback API server")
struct KubeClientLiveTests {
    let canaries = BuiltinResources.canaries
    let configMaps = BuiltinResources.configMaps

    private func canary(_ name: String, namespace: String = "prod", labels: JSONValue = [:]) -> JSONValue {
        [
            "apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels],
            "spec": ["targetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name)]],
        ]
    }

    @Test func createGetUpdateDeleteRoundTrip() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let kube = server.client(http: http)

        let created = try await kube.create(canaries, namespace: "prod", object: canary("podinfo"))
        let rv = try #require(created["metadata", "resourceVersion"]?.stringValue)
        let fetched = try await kube.get(canaries, namespace: "prod", name: "podinfo")
        #expect(fetched["spec", "targetRef", "name"] == "podinfo")

        var changed = fetched
        changed.set(.int(5), at: ["spec", "analysis", "threshold"])
        let updated = try await kube.update(canaries, namespace: "prod", name: "podinfo", object: changed)
        #expect(updated["metadata", "resourceVersion"]?.stringValue != rv)
        #expect(updated["metadata", "generation"] == 2)

        try await kube.delete(canaries, namespace: "prod", name: "podinfo", options: DeleteOptions(propagationPolicy: .background))
        await #expect(throws: KubeAPIError.self) { try await kube.get(canaries, namespace: "prod", name: "podinfo") }

        let counts = kube.accounting.snapshot
        #expect(counts[.init(verb: "create", resource: "canaries.flagger.app")]?.requests == 1)
        #expect(counts[.init(verb: "get", resource: "canaries.flagger.app")]?.requests == 2)
        #expect(counts[.init(verb: "get", resource: "canaries.flagger.app")]?.errors == 1)
        #expect(kube.accounting.total.bytesReceived > 0)
        #expect(kube.accounting.total.connections == 1)
    }

    @Test func notFoundAndAlreadyExistsAreDecodedFromStatus() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        do {
            _ = try await kube.get(canaries, namespace: "prod", name: "missing")
            Issue.record("expected NotFound")
        } catch {
            #expect(error.isNotFound)
            #expect(error.httpStatus == 404)
            #expect(error.status?.name == "missing")
            #expect(error.description.contains(#"canaries.flagger.app "missing" not found"#))
            #expect(error.description.contains("get canaries.flagger.app missing in namespace prod"))
        }
        _ = try await kube.create(configMaps, namespace: "prod", object: ["metadata": ["name": "c"]])
        do {
            _ = try await kube.create(configMaps, namespace: "prod", object: ["metadata": ["name": "c"]])
            Issue.record("expected AlreadyExists")
        } catch {
            #expect(error.isAlreadyExists)
            #expect(!error.isConflict)
        }
    }

    @Test func invalidCarriesCauses() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        do {
            _ = try await kube.create(configMaps, namespace: "prod", object: ["metadata": [:]])
            Issue.record("expected Invalid")
        } catch {
            #expect(error.isInvalid)
            #expect(error.status?.causes.first?.field == "metadata.name")
            #expect(error.description.contains("metadata.name: Required value"))
        }
    }

    @Test func staleResourceVersionIsAConflictAndIsNotRetried() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let kube = server.client(http: http)
        let created = try await kube.create(canaries, namespace: "prod", object: canary("podinfo"))
        var first = created
        first.set(.int(1), at: ["spec", "x"])
        _ = try await kube.update(canaries, namespace: "prod", name: "podinfo", object: first)
        var stale = created
        stale.set(.int(2), at: ["spec", "x"])
        do {
            _ = try await kube.update(canaries, namespace: "prod", name: "podinfo", object: stale)
            Issue.record("expected Conflict")
        } catch {
            #expect(error.isConflict)
            #expect(error.httpStatus == 409)
        }
        #expect(kube.accounting.snapshot[.init(verb: "update", resource: "canaries.flagger.app")]?.requests == 2)
        // A delete whose precondition no longer holds is a Conflict too.
        let rv = try #require(created["metadata", "resourceVersion"]?.stringValue)
        await #expect(throws: KubeAPIError.self) {
            try await kube.delete(canaries, namespace: "prod", name: "podinfo", options: DeleteOptions(preconditionResourceVersion: rv))
        }
    }

    @Test func paginatesWithContinueTokensAndSelectors() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient(maxConcurrentRequests: 8))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<25 {
                group.addTask {
                    let tier: JSONValue = i % 5 == 0 ? "db" : "web"
                    _ = try await kube.create(self.canaries, namespace: i < 20 ? "prod" : "test",
                                              object: self.canary("app-\(i)", namespace: i < 20 ? "prod" : "test", labels: ["tier": tier]))
                }
            }
            try await group.waitForAll()
        }
        let page = try await kube.list(canaries, namespace: "prod", options: ListOptions(limit: 7))
        #expect(page.items.count == 7)
        #expect(!page.continueToken.isEmpty)
        let all = try await kube.listAll(canaries, pageSize: 7)
        #expect(all.count == 25)
        #expect(Set(all.compactMap { $0["metadata", "name"]?.stringValue }).count == 25)
        let web = try await kube.listAll(canaries, namespace: "prod", options: ListOptions(labelSelector: "tier=web"), pageSize: 5)
        #expect(web.count == 16)
        let one = try await kube.list(canaries, options: ListOptions(fieldSelector: "metadata.name=app-21"))
        #expect(one.items.count == 1)
        #expect(kube.accounting.snapshot[.init(verb: "list", resource: "canaries.flagger.app")]?.requests == 1 + 4 + 4 + 1)
    }

    @Test func statusSubresourceIsSeparateFromTheMainResource() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        var obj = canary("podinfo")
        obj["status"] = ["phase": "Ignored"]
        let created = try await kube.create(canaries, namespace: "prod", object: obj)
        #expect(created["status"] == nil)
        let patched = try await kube.patch(
            canaries, namespace: "prod", name: "podinfo", patch: .merge(["status": ["phase": "Progressing", "canaryWeight": 10]]),
            subresource: "status")
        #expect(patched["status", "phase"] == "Progressing")
        var status = try await kube.get(canaries, namespace: "prod", name: "podinfo", subresource: "status")
        status.set(.int(20), at: ["status", "canaryWeight"])
        let updated = try await kube.update(canaries, namespace: "prod", name: "podinfo", object: status, subresource: "status")
        #expect(updated["status", "canaryWeight"] == 20)
        // A main-resource write does not change status.
        var main = updated
        main["status"] = ["phase": "Failed"]
        let after = try await kube.update(canaries, namespace: "prod", name: "podinfo", object: main)
        #expect(after["status", "phase"] == "Progressing")
        let counts = kube.accounting.snapshot
        #expect(counts[.init(verb: "patch", resource: "canaries.flagger.app/status")]?.requests == 1)
        #expect(counts[.init(verb: "update", resource: "canaries.flagger.app/status")]?.requests == 1)
    }

    @Test func patchKindsAndServerSideApplyReachTheServerWithTheirContentTypes() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let http = try CurlHTTPClient()
        let kube = server.client(http: http)
        let applied = try await kube.patch(
            BuiltinResources.deployments, namespace: "prod", name: "web",
            patch: .apply(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"], "spec": ["replicas": 2]],
                          fieldManager: "gitcanary", force: true))
        #expect(applied["spec", "replicas"] == 2)
        let jp = try await kube.patch(BuiltinResources.deployments, namespace: "prod", name: "web",
                                      patch: .json([["op": "replace", "path": "/spec/replicas", "value": 3]]))
        #expect(jp["spec", "replicas"] == 3)
        let dry = try await kube.patch(BuiltinResources.deployments, namespace: "prod", name: "web",
                                       patch: .merge(["spec": ["replicas": 9]]), options: WriteOptions(dryRun: true))
        #expect(dry["spec", "replicas"] == 9)
        #expect(try await kube.get(BuiltinResources.deployments, namespace: "prod", name: "web")["spec", "replicas"] == 3)
        let log = server.requests.filter { $0.method == "PATCH" }
        #expect(log.map(\.contentType) == [
            "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
        ])
        #expect(log.first?.target.hasSuffix("?fieldManager=gitcanary&force=true") == true)
        #expect(log.last?.target.hasSuffix("?dryRun=All") == true)
        #expect(log.allSatisfy { $0.userAgent == "gitcanary" })
    }

    @Test func eventsAndLeases() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        let lease = try await kube.create(BuiltinResources.leases, namespace: "gitcanary", object: [
            "metadata": ["name": "gitcanary-run"], "spec": ["holderIdentity": "run-1", "leaseDurationSeconds": 60],
        ])
        var renewed = lease
        renewed.set("run-2", at: ["spec", "holderIdentity"])
        _ = try await kube.update(BuiltinResources.leases, namespace: "gitcanary", name: "gitcanary-run", object: renewed)
        _ = try await kube.create(BuiltinResources.events, namespace: "prod", object: [
            "metadata": ["name": "podinfo.1"], "involvedObject": ["kind": "Canary", "name": "podinfo"], "reason": "Synced",
            "message": "advance", "type": "Normal",
        ])
        #expect(try await kube.list(BuiltinResources.events, namespace: "prod").items.count == 1)
        #expect(try await kube.get(BuiltinResources.leases, namespace: "gitcanary", name: "gitcanary-run")["spec", "holderIdentity"] == "run-2")
    }

    @Test func discoveryMapsCustomKindsAndCachesForTheRun() async throws {
        let server = try await LoopbackKubeServer()
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        let widget = try await kube.mapping(apiVersion: "example.com/v1", kind: "Widget")
        #expect(widget.gvr.resource == "widgets")
        #expect(widget.namespaced)
        _ = try await kube.mapping(apiVersion: "example.com/v1", kind: "Widget")
        let deploy = try await kube.mapping(apiVersion: "apps/v1", kind: "Deployment")
        #expect(deploy == BuiltinResources.deployments)
        #expect(kube.accounting.snapshot[.init(verb: "get", resource: "discovery")]?.requests == 1)
        await #expect(throws: KubeAPIError.self) { try await kube.mapping(apiVersion: "example.com/v1", kind: "Gadget") }
        do {
            _ = try await kube.mapping(apiVersion: "missing.io/v1", kind: "Thing")
            Issue.record("expected a discovery error")
        } catch {
            #expect(error.code == .discovery)
            #expect(error.description.contains("missing.io/v1"))
        }
        let served = try await kube.mapper.servedGroupVersions()
        #expect(served.contains("v1") && served.contains("flagger.app/v1beta1"))
        _ = try await kube.create(widget, namespace: "prod", object: ["metadata": ["name": "w"], "spec": ["size": 1]])
        #expect(try await kube.get(widget, namespace: "prod", name: "w")["spec", "size"] == 1)
    }

    @Test func forbiddenNamesIdentityVerbResourceAndRBAC() async throws {
        let server = try await LoopbackKubeServer(forbid: ["list:canaries.flagger.app"])
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        do {
            _ = try await kube.list(canaries, namespace: "prod")
            Issue.record("expected Forbidden")
        } catch {
            #expect(error.isForbidden)
            let text = error.description
            #expect(text.contains("list canaries.flagger.app in namespace prod"))
            #expect(text.contains("test identity"))
            #expect(text.contains("deploy/cronjob"))
        }
    }

    @Test func serverClockComesFromTheFirstDateHeader() async throws {
        // The server's clock runs a day ahead of ours; the client must use the server's.
        let server = try await LoopbackKubeServer(dateOffset: 86_400)
        defer { server.stop() }
        let kube = server.client(http: try CurlHTTPClient())
        #expect(kube.serverClock.now() == nil)
        let before = Date()
        _ = try await kube.list(configMaps, namespace: "prod")
        let after = Date()
        let first = try #require(kube.serverClock.firstResponseDate)
        // The Date header was written between `before` and `after` on the server's clock (second precision):
        // bracketed, so a stalled test process cannot break it.
        #expect(first >= before.addingTimeInterval(86_400 - 1) && first <= after.addingTimeInterval(86_400 + 1))
        _ = try await kube.list(configMaps, namespace: "prod")
        #expect(kube.serverClock.firstResponseDate == first)
        #expect(try #require(kube.serverClock.now()) >= first)
    }
}
