import Applier
import Foundation
import KubeAPI
import Planner
import Resources
import Sandbox
import TestSupport
import Testing

/// The Git sync against the in-process Sandbox: real server-side apply with managedFields, CRDs that must be
/// established before their kinds are served, NotFound for missing namespaces, resourceVersion conflicts.
@Suite("Applier: Git sync against the Sandbox")
struct ApplierSandboxTests {
    static let canaryCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: canaries.flagger.app}
        spec:
          group: flagger.app
          scope: Namespaced
          names: {kind: Canary, plural: canaries, singular: canary, listKind: CanaryList}
          versions:
          - name: v1beta1
            served: true
            storage: true
            subresources: {status: {}}
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """

    static func repo(image: String = "podinfo:6.0.0", color: String = "blue", extra: Bool = true, canary: Bool = true, replicas: Int = 2) -> String {
        var docs = [
            canaryCRD,
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: podinfo, namespace: prod}
            spec:
              replicas: \(replicas)
              selector: {matchLabels: {app: podinfo}}
              template:
                metadata: {labels: {app: podinfo}}
                spec:
                  containers:
                  - name: podinfo
                    image: \(image)
                    ports: [{containerPort: 9898, name: http}]
                    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: "1", memory: 1Gi}}
                    envFrom: [{configMapRef: {name: podinfo-config}}]
            """,
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: podinfo-config, namespace: prod}\ndata: {color: \(color)}",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: podinfo-token, namespace: prod}\nstringData: {token: s3cr3t-value}",
            """
            apiVersion: v1
            kind: Service
            metadata: {name: backend, namespace: prod}
            spec:
              selector: {app: backend}
              ports: [{name: http, port: 80, targetPort: 8080}]
            """,
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: podinfo, namespace: prod}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              minReplicas: 2
              maxReplicas: 4
            """,
        ]
        if canary {
            docs.append("""
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: podinfo, namespace: prod}
                spec:
                  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
                  service: {port: 9898}
                  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
                """)
        }
        if extra { docs.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: prod}\ndata: {a: b}") }
        return docs.joined(separator: "\n---\n")
    }

    /// A Sandbox with the inventory namespace installed (as deploy/cronjob does), and a client.
    static func start() async throws -> (SandboxHarness, KubeClient) {
        let harness = try SandboxHarness()
        let client = KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: try CurlHTTPClient())
        _ = try await client.create(BuiltinResources.namespaces, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "gitcanary-system"]])
        return (harness, client)
    }

    let options = SyncOptions(prune: true, sourceName: "apps")
    let deployment = ResourceMapping("apps/v1", "Deployment", "deployments")

    @Test("First sync creates everything after the Canary CRD is served; an unchanged repo then costs 0 writes")
    func firstSyncThenNothing() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        let run = ApplierTestRun(client: client, options: options)
        let first = try await run.run(Self.repo())
        let changes = try #require(first.changes)
        #expect(!changes.hasFailures, "\(changes.reportLines())")
        #expect(changes.counts[.created] == 9)
        #expect(changes.inventoryWritten)
        let canary = try await client.get(BuiltinResources.canaries, namespace: "prod", name: "podinfo")
        #expect(canary["metadata", "labels", SyncLabels.source] == "apps")
        let target = try await client.get(deployment, namespace: "prod", name: "podinfo")
        #expect(target["spec", "replicas"] == 1)  // never applied from Git: the API default until the rollout sets it
        #expect(first.plan.gitReplicas.values.first == 2)

        harness.sandbox.resetRequestCounts()
        let second = try await run.run(Self.repo())
        #expect(!second.plan.hasWrites, "\(second.plan.entries.filter(\.isWrite).map { "\($0.ref) \($0.changes)" })")
        let counts = harness.sandbox.requestCounts
        #expect(counts.mutating == 0, "\(counts.byResource)")
        #expect(counts.byVerb["get"] == nil, "no GET per object: \(counts.byResource)")
        #expect((counts.byVerb["list"] ?? 0) <= 12, "\(counts.byResource)")
    }

    @Test("A changed field makes exactly one apply; prune deletes only what left Git")
    func changeAndPrune() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        let run = ApplierTestRun(client: client, options: options)
        _ = try await run.run(Self.repo())
        harness.sandbox.resetRequestCounts()
        let changed = try await run.run(Self.repo(color: "green"))
        #expect(changed.changes?.entries(.configured).map(\.ref.name) == ["podinfo-config"])
        let counts = harness.sandbox.requestCounts
        #expect(counts.byVerb["patch"] == 1, "\(counts.byResource)")
        #expect(counts.count("patch", "configmaps") == 1)
        let leaseWrites = counts.count("create", "leases.coordination.k8s.io") + counts.count("update", "leases.coordination.k8s.io")
        #expect(counts.mutating == 1 + leaseWrites)

        _ = try await client.create(BuiltinResources.configMaps, namespace: "prod", object: [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "hand-made", "namespace": "prod"],
        ])
        let pruned = try await run.run(Self.repo(color: "green", extra: false))
        #expect(pruned.changes?.entries(.deleted).map(\.ref.description) == ["ConfigMap/prod/extra"])
        await #expect(throws: KubeAPIError.self) { try await client.get(BuiltinResources.configMaps, namespace: "prod", name: "extra") }
        _ = try await client.get(BuiltinResources.configMaps, namespace: "prod", name: "hand-made")
        _ = try await client.get(BuiltinResources.configMaps, namespace: "prod", name: "podinfo-config")
    }

    @Test("Replicas written by the rollout's manager are never reset by the Git sync")
    func replicasKept() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        let run = ApplierTestRun(client: client, options: options)
        _ = try await run.run(Self.repo())
        // The rollout scales the target down after promotion.
        _ = try await client.patch(
            deployment, namespace: "prod", name: "podinfo",
            patch: .apply(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "podinfo", "namespace": "prod"], "spec": ["replicas": 0]],
                          fieldManager: "gitcanary-rollout", force: true))
        let out = try await run.run(Self.repo(image: "podinfo:6.0.1"))
        #expect(out.changes?.entries(.configured).map(\.ref.name) == ["podinfo"])
        let target = try await client.get(deployment, namespace: "prod", name: "podinfo")
        #expect(target["spec", "replicas"] == 0)
        #expect(target["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"] == "podinfo:6.0.1")
    }

    @Test("When a Canary is added for a Deployment Git applied with replicas, the count is handed over, not reset")
    func handover() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        let run = ApplierTestRun(client: client, options: options)
        _ = try await run.run(Self.repo(canary: false, replicas: 4))
        #expect(try await client.get(deployment, namespace: "prod", name: "podinfo")["spec", "replicas"] == 4)
        let out = try await run.run(Self.repo(canary: true, replicas: 4))
        #expect(!(out.changes?.hasFailures ?? true), "\(out.changes?.reportLines() ?? [])")
        let target = try await client.get(deployment, namespace: "prod", name: "podinfo")
        #expect(target["spec", "replicas"] == 4)
        let managers = (target["metadata", "managedFields"]?.arrayValue ?? []).filter { $0["fieldsV1", "f:spec", "f:replicas"] != nil }
        #expect(managers.compactMap { $0["manager"]?.stringValue } == ["gitcanary-rollout"])

        // Control: an apply by gitcanary that stops declaring replicas it owned alone resets them to the default,
        // which is what the hand-over prevents (so this test can fail).
        func control(replicas: Int?) -> JSONValue {
            var d: JSONValue = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "control", "namespace": "prod"],
                "spec": [
                    "selector": ["matchLabels": ["app": "control"]],
                    "template": ["metadata": ["labels": ["app": "control"]], "spec": ["containers": [["name": "c", "image": "c:1"]]]],
                ],
            ]
            if let replicas { d.set(.int(Int64(replicas)), at: ["spec", "replicas"]) }
            return d
        }
        _ = try await client.patch(deployment, namespace: "prod", name: "control", patch: .apply(control(replicas: 5), fieldManager: "gitcanary", force: true))
        _ = try await client.patch(deployment, namespace: "prod", name: "control", patch: .apply(control(replicas: nil), fieldManager: "gitcanary", force: true))
        #expect(try await client.get(deployment, namespace: "prod", name: "control")["spec", "replicas"] == 1)
    }

    @Test("Two runs contending for the shard's Lease: one applies, the other reports the holder and writes nothing")
    func leaseContention() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        _ = try await ApplierTestRun(client: client, options: options).run(Self.repo())
        let other = KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: try CurlHTTPClient())
        let holder = LeaseLock(client: other, namespace: "gitcanary-system", name: "gitcanary-0", identity: "runner-b",
                               duration: .seconds(30), logger: ApplierTestRun.quiet)
        guard case .acquired(let held) = try await holder.acquire(waitingUpTo: .zero) else {
            Issue.record("runner-b did not acquire")
            return
        }
        harness.sandbox.resetRequestCounts()
        let blocked = try await ApplierTestRun(client: client, options: options, identity: "runner-a").run(Self.repo(color: "red"))
        #expect(blocked.heldBy == "runner-b")
        #expect(harness.sandbox.requestCounts.count("patch", "configmaps") == 0)
        await held.release()
        let after = try await ApplierTestRun(client: client, options: options, identity: "runner-a").run(Self.repo(color: "red"))
        #expect(after.changes?.entries(.configured).map(\.ref.name) == ["podinfo-config"])
    }

    @Test("Without the inventory namespace, taking the Lease fails with a message saying what to do")
    func missingNamespace() async throws {
        let harness = try SandboxHarness()
        defer { harness.stop() }
        let client = KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: try CurlHTTPClient())
        let lock = LeaseLock(client: client, namespace: "gitcanary-system", name: "gitcanary-0", identity: "a", logger: ApplierTestRun.quiet)
        do {
            _ = try await lock.acquire(waitingUpTo: .zero)
            Issue.record("acquired a Lease in a missing namespace")
        } catch {
            #expect(error.description.contains("namespace gitcanary-system does not exist"))
            #expect(error.description.contains("kubectl create namespace gitcanary-system"))
        }
    }

    @Test("Two runs started together with the same change: one applies it, the other waits, re-plans and writes nothing")
    func concurrentRuns() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        _ = try await ApplierTestRun(client: client, options: options).run(Self.repo())
        harness.sandbox.resetRequestCounts()
        let clientB = KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: try CurlHTTPClient())
        async let a = ApplierTestRun(client: client, options: options, identity: "runner-a").run(Self.repo(color: "purple"))
        async let b = ApplierTestRun(client: clientB, options: options, identity: "runner-b").run(Self.repo(color: "purple"))
        let outcomes = try await [a, b]
        #expect(harness.sandbox.requestCounts.count("patch", "configmaps") == 1, "\(harness.sandbox.requestCounts.byResource)")
        #expect(outcomes.filter { $0.changes?.entries(.configured).isEmpty == false }.count == 1)
        let cm = try await client.get(BuiltinResources.configMaps, namespace: "prod", name: "podinfo-config")
        #expect(cm["data", "color"] == "purple")
    }

    /// `count` canaries, each with a target and a ConfigMap, plus one object no canary references.
    static func shardedRepo(canaries count: Int, without removed: Int? = nil) -> String {
        var docs = [canaryCRD, "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: prod}\ndata: {a: b}"]
        for i in 0..<count where i != removed {
            docs.append("""
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: app\(i), namespace: prod}
                spec: {targetRef: {apiVersion: apps/v1, kind: Deployment, name: app\(i)}, service: {port: 80}}
                """)
            docs.append("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app\(i), namespace: prod}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: app\(i)}}
                  template:
                    metadata: {labels: {app: app\(i)}}
                    spec: {containers: [{name: app, image: "app:1", envFrom: [{configMapRef: {name: app\(i)-config}}]}]}
                """)
            docs.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app\(i)-config, namespace: prod}\ndata: {i: \"\(i)\"}")
        }
        return docs.joined(separator: "\n---\n")
    }

    @Test("Sharded runs apply every object exactly once, keep one inventory each, and only shard 0 prunes")
    func shards() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        let shardOptions = (0..<2).map { SyncOptions(prune: true, sourceName: "apps", shard: SyncShard(index: $0, count: 2)) }
        var applied: [String: Int] = [:]
        for (index, o) in shardOptions.enumerated() {
            let out = try await ApplierTestRun(client: client, options: o, identity: "shard-\(index)").run(Self.shardedRepo(canaries: 8))
            #expect(!(out.changes?.hasFailures ?? true), "\(out.changes?.reportLines() ?? [])")
            for e in out.changes?.entries(.created) ?? [] { applied[e.ref.description, default: 0] += 1 }
        }
        #expect(applied.count == 3 + 8 * 3)
        #expect(applied.values.allSatisfy { $0 == 1 })
        let inventories = try await client.list(BuiltinResources.configMaps, namespace: "gitcanary-system")
        #expect(Set(inventories.items.compactMap { $0["metadata", "name"]?.stringValue }) == ["gitcanary-inventory-0", "gitcanary-inventory-1"])

        // A canary of shard 1 leaves Git: shard 1 does not prune; shard 0 prunes its objects from shard 1's inventory.
        let victim = (0..<8).first { SyncSharding.shard(namespace: "prod", name: "app\($0)", count: 2) == 1 } ?? 0
        let repo = Self.shardedRepo(canaries: 8, without: victim)
        let one = try await ApplierTestRun(client: client, options: shardOptions[1], identity: "shard-1").run(repo)
        #expect(one.plan.pruneCount == 0)
        let zero = try await ApplierTestRun(client: client, options: shardOptions[0], identity: "shard-0").run(repo)
        #expect(Set(zero.changes?.entries(.deleted).map(\.ref.description) ?? []) == [
            "Canary/prod/app\(victim)", "Deployment/prod/app\(victim)", "ConfigMap/prod/app\(victim)-config",
        ])
        await #expect(throws: KubeAPIError.self) { try await client.get(deployment, namespace: "prod", name: "app\(victim)") }
        // Shard 1 drops the pruned entries from its inventory (one write, no object writes); then nothing is left to do.
        let cleanup = try await ApplierTestRun(client: client, options: shardOptions[1], identity: "shard-1").run(repo)
        #expect(cleanup.plan.inventoryChanged && !cleanup.plan.entries.contains(where: \.isWrite))
        #expect(cleanup.changes?.inventoryWritten == true)
        for (index, o) in shardOptions.enumerated() {
            let again = try await ApplierTestRun(client: client, options: o, identity: "shard-\(index)").run(repo)
            #expect(!again.plan.hasWrites, "shard \(index): \(again.plan.entries.filter(\.isWrite).map(\.ref))")
        }
    }

    @Test(
        "kubectl, an independent client, sees what the sync applied: labels, the applied-hash and the field managers",
        .enabled(if: KubectlTool.detect() != nil, "kubectl is not installed"))
    func kubectlSeesIt() async throws {
        let kubectl = try #require(KubectlTool.detect())
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        _ = try await ApplierTestRun(client: client, options: options).run(Self.repo())
        let names = try harness.kubectl(kubectl, ["get", "configmaps", "-n", "prod", "-l", SyncLabels.selector(source: "apps"), "-o", "name"])
        #expect(names.status == 0, "\(names.stderr)")
        #expect(Set(names.stdout.split(separator: "\n").map(String.init)) == ["configmap/extra", "configmap/podinfo-config"])
        var args = ["get", "deployment", "podinfo", "-n", "prod", "-o", "json"]
        if kubectl.supportsShowManagedFields { args.append("--show-managed-fields") }
        let got = try harness.kubectl(kubectl, args)
        #expect(got.status == 0, "\(got.stderr)")
        let object = try JSONParser.parse(Array(got.stdout.utf8))
        #expect(object["metadata", "annotations", SyncLabels.appliedHash]?.stringValue?.count == 64)
        if kubectl.supportsShowManagedFields {
            let managers = (object["metadata", "managedFields"]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
            #expect(managers.contains("gitcanary"))
            let owners = (object["metadata", "managedFields"]?.arrayValue ?? []).filter { $0["fieldsV1", "f:spec", "f:replicas"] != nil }
            #expect(!owners.contains { $0["manager"]?.stringValue == "gitcanary" }, "Git's manager never owns the target's replicas")
        }
    }

    @Test("gitcanary plan's dry run persists nothing: new kinds and new namespaces are skipped, changes are shown")
    func dryRun() async throws {
        let (harness, client) = try await Self.start()
        defer { harness.stop() }
        var plan = ApplierTestRun(client: client, options: options)
        plan.applier.dryRun = true
        let fresh = try #require(try await plan.run(Self.repo()).changes)
        #expect(!fresh.hasFailures, "\(fresh.reportLines())")
        #expect(fresh.counts[.created] == 2, "the CRD and the Namespace: \(fresh.reportLines())")
        #expect(Set(fresh.entries(.skipped).map(\.ref.kind)) == ["Canary", "Deployment", "ConfigMap", "Secret", "Service", "HorizontalPodAutoscaler"])
        await #expect(throws: KubeAPIError.self) { try await client.get(BuiltinResources.namespaces, name: "prod") }

        _ = try await ApplierTestRun(client: client, options: options).run(Self.repo())
        harness.sandbox.resetRequestCounts()
        let changed = try #require(try await plan.run(Self.repo(color: "orange")).changes)
        #expect(changed.entries(.configured).map(\.ref.name) == ["podinfo-config"])
        #expect(changed.reportLines().contains(#"    data.color: "blue" → "orange""#))
        #expect(harness.sandbox.requestCounts.count("patch", "configmaps") == 1)
        let cm = try await client.get(BuiltinResources.configMaps, namespace: "prod", name: "podinfo-config")
        #expect(cm["data", "color"] == "blue")
    }
}
