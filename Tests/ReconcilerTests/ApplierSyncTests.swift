import Applier
import Foundation
import KubeAPI
import Planner
import Resources
import Testing

@Suite("Applier: Git sync round trips on a loopback API server")
struct ApplierSyncTests {
    let options = SyncOptions(prune: true, sourceName: "apps")
    let deployment = "/apis/apps/v1/namespaces/prod/deployments/podinfo"

    @Test("A first sync creates everything (waiting for the new CRD); a second sync of the same repo writes nothing")
    func firstThenNothing() async throws {
        let api = try ApplierFakeAPI(crdNotReadyGets: 1)
        defer { api.stop() }
        let client = try api.client()
        let run = ApplierTestRun(client: client, options: options)

        let first = try await run.run(ApplierRepo.repo())
        let changes = try #require(first.changes)
        #expect(changes.counts[.created] == 8, "\(changes.entries)")
        #expect((api.counts["GET customresourcedefinitions"] ?? 0) >= 2, "polled until established: \(api.counts)")
        #expect(!changes.hasFailures, "\(changes.entries.filter { $0.action == .failed })")
        #expect(changes.inventoryWritten)
        #expect(changes.entries.map(\.ref.kind).prefix(2) == ["CustomResourceDefinition", "Namespace"])
        let widget = try #require(api.object("/apis/example.com/v1/namespaces/prod/widgets/gizmo"))
        #expect(widget["metadata", "labels", SyncLabels.source] == "apps")
        #expect(api.counts["PATCH deployments"] == 1)
        let lease = try #require(api.object("/apis/coordination.k8s.io/v1/namespaces/gitcanary-system/leases/gitcanary-0"))
        #expect(lease["spec", "holderIdentity"] == nil)  // released
        #expect(lease["spec", "leaseDurationSeconds"] == 30)

        api.resetCounts()
        let before = client.accounting.snapshot
        let second = try await run.run(ApplierRepo.repo())
        #expect(!second.plan.hasWrites)
        #expect(second.changes == nil)
        #expect(api.writes == 0, "\(api.counts)")
        let after = client.accounting.snapshot
        let newCalls = after.filter { (before[$0.key]?.requests ?? 0) != $0.value.requests }
        #expect(newCalls.keys.allSatisfy { $0.verb == "list" || $0.verb == "get" }, "\(newCalls.keys)")
        #expect(api.counts.keys.allSatisfy { $0.hasPrefix("LIST ") }, "one LIST per kind and namespace, no GET per object: \(api.counts)")
    }

    @Test("A changed field makes exactly one apply; the inventory is not rewritten")
    func oneChange() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let run = ApplierTestRun(client: try api.client(), options: options)
        _ = try await run.run(ApplierRepo.repo())
        api.resetCounts()
        let out = try await run.run(ApplierRepo.repo(color: "green"))
        let changes = try #require(out.changes)
        #expect(changes.entries(.configured).map(\.ref.name) == ["podinfo-config"])
        #expect(changes.entries(.configured).first?.changes.map(\.description) == [#"data.color: "blue" → "green""#])
        #expect(changes.reportLines() == [
            "ConfigMap/prod/podinfo-config configured", #"    data.color: "blue" → "green""#,
            "0 created, 1 configured, 7 unchanged, 0 deleted, 0 skipped, 0 failed",
        ])
        #expect(api.counts["PATCH configmaps"] == 1)
        #expect(!changes.inventoryWritten)
        #expect(api.object("/api/v1/namespaces/prod/configmaps/podinfo-config")?["data", "color"] == "green")
    }

    @Test("Prune deletes only what left Git and was applied by this source")
    func pruneOnlyWhatLeft() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let run = ApplierTestRun(client: try api.client(), options: options)
        _ = try await run.run(ApplierRepo.repo())
        api.put("/api/v1/namespaces/prod/configmaps/hand-made", [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "hand-made", "namespace": "prod"],
        ])
        api.resetCounts()
        let out = try await run.run(ApplierRepo.repo(extraConfig: false))
        let changes = try #require(out.changes)
        #expect(changes.entries(.deleted).map(\.ref.description) == ["ConfigMap/prod/extra"])
        #expect(api.counts["DELETE configmaps"] == 1)
        #expect(api.object("/api/v1/namespaces/prod/configmaps/extra") == nil)
        #expect(api.object("/api/v1/namespaces/prod/configmaps/hand-made") != nil)
        #expect(api.object("/api/v1/namespaces/prod/configmaps/podinfo-config") != nil)
        #expect(changes.inventoryWritten)
        let inventory = try #require(api.object("/api/v1/namespaces/gitcanary-system/configmaps/gitcanary-inventory"))
        #expect(inventory["data", "entries"]?.stringValue?.contains("extra") == false)
        // Without --prune a removed object is kept (and stays in the inventory).
        let keep = ApplierTestRun(client: try api.client(), options: SyncOptions(prune: false, sourceName: "apps"))
        let noPrune = try await keep.run(ApplierRepo.repo(extraConfig: false, widget: false))
        #expect(noPrune.plan.pruneCount == 0)
        #expect(api.object("/apis/example.com/v1/namespaces/prod/widgets/gizmo") != nil)
    }

    @Test("Replicas set by another manager are never reset by the Git sync; Git's count is reported for the primary")
    func replicasKept() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let run = ApplierTestRun(client: try api.client(), options: options)
        let first = try await run.run(ApplierRepo.repo())
        #expect(api.lastApply(deployment)?["spec", "replicas"] == nil)
        #expect(first.plan.gitReplicas[SyncKey(group: "apps", kind: "Deployment", namespace: "prod", name: "podinfo")] == 2)
        // The rollout scales the target (another field manager).
        var live = try #require(api.object(deployment))
        live.set(0, at: ["spec", "replicas"])
        api.put(deployment, live)
        let unchanged = try await run.run(ApplierRepo.repo())
        #expect(!unchanged.plan.hasWrites)
        let changed = try await run.run(ApplierRepo.repo(image: "podinfo:6.0.1"))
        #expect(changed.changes?.entries(.configured).map(\.ref.name) == ["podinfo"])
        #expect(api.lastApply(deployment)?["spec", "replicas"] == nil)
        #expect(api.object(deployment)?["spec", "replicas"] == 0)
        #expect(api.object(deployment)?["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "podinfo:6.0.1")
    }

    @Test("A failing object is reported and the others are still applied; Secret errors carry no values")
    func failuresAreIsolated() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        api.fail("PATCH", pathSuffix: "/configmaps/extra", status: 500)
        api.fail("PATCH", pathSuffix: "/secrets/podinfo-token", status: 422)
        let run = ApplierTestRun(client: try api.client(), options: options)
        let out = try await run.run(ApplierRepo.repo())
        let changes = try #require(out.changes)
        #expect(Set(changes.entries(.failed).map(\.ref.name)) == ["extra", "podinfo-token"])
        #expect(changes.counts[.created] == 6)
        #expect(api.object(deployment) != nil)
        let secretError = changes.entries(.failed).first { $0.ref.kind == "Secret" }?.message ?? ""
        #expect(secretError.contains("Invalid") && !secretError.contains("c2VjcmV0"))
        #expect(changes.hasFailures)
        // The next run retries what failed.
        api.clearFailures()
        let again = try await run.run(ApplierRepo.repo())
        #expect(Set(again.changes?.entries(.created).map(\.ref.name) ?? []) == ["extra", "podinfo-token"])
    }

    @Test("A dry run writes nothing and skips kinds whose CRD it would create")
    func dryRun() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        var run = ApplierTestRun(client: try api.client(), options: options)
        run.applier.dryRun = true
        let out = try await run.run(ApplierRepo.repo())
        let changes = try #require(out.changes)
        #expect(changes.dryRun)
        #expect(changes.entries(.skipped).map(\.ref.kind) == ["Widget"])
        #expect(changes.counts[.created] == 7)
        #expect(api.object(deployment) == nil)
        #expect(!changes.inventoryWritten)
        #expect(api.counts["POST leases"] == nil)
    }

    @Test("Replicas Git's manager owned alone are first handed over to gitcanary-rollout, then the target is applied without them")
    func handover() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let run = ApplierTestRun(client: try api.client(), options: options)
        _ = try await run.run(ApplierRepo.repo())
        // As if the target had been applied with replicas before its Canary existed: gitcanary owns spec.replicas.
        var live = try #require(api.object(deployment))
        live.set(4, at: ["spec", "replicas"])
        live.set("old", at: ["metadata", "annotations", SyncLabels.appliedHash])
        live.set([["manager": "gitcanary", "operation": "Apply", "fieldsV1": ["f:spec": ["f:replicas": [:], "f:template": [:]]]]],
                 at: ["metadata", "managedFields"])
        api.put(deployment, live)
        let before = api.applyLog.count
        let out = try await run.run(ApplierRepo.repo())
        let applies = api.applyLog.dropFirst(before).filter { $0.path == deployment }
        #expect(applies.map(\.manager) == ["gitcanary-rollout", "gitcanary"])
        #expect(applies.first?.body == [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "podinfo", "namespace": "prod"], "spec": ["replicas": 4],
        ])
        #expect(applies.last?.body["spec", "replicas"] == nil)
        #expect(out.changes?.entries(.configured).map(\.ref.name) == ["podinfo"])
        #expect(api.object(deployment)?["spec", "replicas"] == 4)
    }

    @Test("Writes stop when the run's time budget is spent or its Lease is lost; the next run does them")
    func budgetAndLostLease() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let client = try api.client()
        let desired = try ManifestDecoder().decode(yaml: ApplierRepo.repo(), file: "repo.yaml")
        let plan = SyncPlanner().plan(try await SyncObserver(client: client).observe(desired: desired, options: options))
        let applier = SyncApplier(client: client, logger: ApplierTestRun.quiet)
        let spent = await applier.apply(plan, sync: options, deadline: .now)
        #expect(spent.entries.allSatisfy { $0.action == .skipped })
        #expect(spent.entries.first?.message.contains("time budget") == true)
        #expect(api.writes == 0)
        #expect(spent.inventoryError?.contains("time budget") == true)

        let lock = LeaseLock(client: client, namespace: "gitcanary-system", name: "gitcanary-0", identity: "a",
                             renewInterval: .milliseconds(50), pollInterval: .milliseconds(20), logger: ApplierTestRun.quiet)
        guard case .acquired(let lease) = try await lock.acquire(waitingUpTo: .zero) else {
            Issue.record("not acquired")
            return
        }
        let path = "/apis/coordination.k8s.io/v1/namespaces/gitcanary-system/leases/gitcanary-0"
        var stolen = try #require(api.object(path))
        stolen.set("b", at: ["spec", "holderIdentity"])
        api.put(path, stolen)
        let deadline = ContinuousClock.now + .seconds(30)
        while !lease.isLost && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let lost = await applier.apply(plan, sync: options, lease: lease)
        #expect(lost.entries.allSatisfy { $0.action == .skipped && $0.message.contains("Lease") })
        #expect(api.object(deployment) == nil)
        #expect(api.object("/api/v1/namespaces/gitcanary-system/configmaps/gitcanary-inventory") == nil)
    }

    @Test("A kind known only from the inventory whose CRD is gone reads as empty and leaves the inventory")
    func goneKind() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let run = ApplierTestRun(client: try api.client(), options: options)
        _ = try await run.run(ApplierRepo.repo())
        // Someone deletes the Widget CRD (and so its objects); Git no longer declares either.
        let crd = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"
        api.state.withLock { s in
            s.objects[crd] = nil
            s.objects["/apis/example.com/v1/namespaces/prod/widgets/gizmo"] = nil
        }
        let out = try await run.run(ApplierRepo.repo(widget: false))
        #expect(!(out.changes?.hasFailures ?? true), "\(out.changes?.reportLines() ?? [])")
        let inventory = try #require(api.object("/api/v1/namespaces/gitcanary-system/configmaps/gitcanary-inventory"))
        #expect(inventory["data", "entries"]?.stringValue?.contains("Widget") == false)
        let again = try await run.run(ApplierRepo.repo(widget: false))
        #expect(!again.plan.hasWrites)
    }
}
