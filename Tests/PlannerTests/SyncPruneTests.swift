import Planner
import Resources
import Testing

@Suite("Sync plan: prune safety and the inventory")
struct SyncPruneTests {
    let planner = SyncPlanner()

    /// Live objects carrying the source's labels (or not), as the labelled LIST would return them.
    func live(_ objects: [(String, String, String, String, Bool)]) -> SyncLiveState {
        var state = SyncLiveState()
        for (apiVersion, kind, ns, name, labelled) in objects {
            var o: JSONValue = ["metadata": ["name": .string(name)]]
            if !ns.isEmpty { o.set(.string(ns), at: ["metadata", "namespace"]) }
            if labelled {
                o.set("gitcanary", at: ["metadata", "labels", SyncLabels.managedBy])
                o.set(.string(SyncFixtures.source), at: ["metadata", "labels", SyncLabels.source])
            }
            state.add(apiVersion: apiVersion, kind: kind, items: [o])
        }
        return state
    }

    func inventory(_ keys: [SyncKey]) -> [SyncShardInventory] {
        var versions: [String: String] = [:]
        for k in keys { versions[k.groupKind] = k.group == "apps" ? "v1" : (k.group == "flagger.app" ? "v1beta1" : "v1") }
        return [SyncShardInventory(name: "gitcanary-inventory", inventory: SyncInventory(keys: Set(keys), versions: versions))]
    }

    let k = SyncFixtures.key
    var desired: [Manifest] { SyncFixtures.decode(SyncFixtures.repo) }

    @Test("Only inventoried, labelled objects that left Git are pruned, in reverse kind order")
    func pruneOnlyWhatLeft() {
        let gone = k("", "ConfigMap", "prod", "old-config")
        let goneDeploy = k("apps", "Deployment", "prod", "old-app")
        let relabelled = k("", "ConfigMap", "prod", "handed-over")  // in the inventory, labels removed by a person
        let stranger = k("", "ConfigMap", "prod", "not-ours")  // labelled but never in the inventory
        let live = live([
            ("v1", "ConfigMap", "prod", "old-config", true), ("apps/v1", "Deployment", "prod", "old-app", true),
            ("v1", "ConfigMap", "prod", "handed-over", false), ("v1", "ConfigMap", "prod", "not-ours", true),
        ])
        let plan = planner.plan(SyncInput(
            desired: desired, live: live, inventories: inventory([gone, goneDeploy, relabelled]),
            options: SyncFixtures.options(prune: true)))
        let prunes = plan.entries.filter { $0.stage == .prune }
        #expect(prunes.map(\.key) == [goneDeploy, gone])
        #expect(prunes.allSatisfy { if case .prune(let r) = $0.action { r == $0.ref } else { false } })
        #expect(prunes.first?.ref.apiVersion == "apps/v1")
        #expect(!plan.entries.contains { $0.key == stranger || $0.key == relabelled })
        #expect(!plan.inventory.keys.contains(gone) && !plan.inventory.keys.contains(relabelled))
    }

    @Test("Without --prune, or on a shard other than 0, nothing is deleted and left objects stay inventoried")
    func noPrune() {
        let gone = k("", "ConfigMap", "prod", "old-config")
        let live = live([("v1", "ConfigMap", "prod", "old-config", true)])
        for options in [SyncFixtures.options(prune: false), SyncFixtures.options(prune: true, shard: SyncShard(index: 1, count: 2))] {
            let invs = [SyncShardInventory(name: options.shard.inventoryName, inventory: SyncInventory(keys: [gone], versions: ["core/ConfigMap": "v1"]))]
            let plan = planner.plan(SyncInput(desired: desired, live: live, inventories: invs, options: options))
            #expect(plan.pruneCount == 0)
            #expect(plan.inventory.keys.contains(gone))
        }
    }

    @Test("Generated objects of a canary, in Git or only live, are never pruned")
    func generatedNeverPruned() {
        let primary = k("apps", "Deployment", "prod", "podinfo-primary")
        let liveOnlyPrimary = k("apps", "Deployment", "other", "legacy-primary")
        let liveCanary: JSONValue = [
            "apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": ["name": "legacy", "namespace": "other"],
            "spec": ["targetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "legacy"], "service": ["port": 80]],
        ]
        let live = live([("apps/v1", "Deployment", "prod", "podinfo-primary", true), ("apps/v1", "Deployment", "other", "legacy-primary", true)])
        let plan = planner.plan(SyncInput(
            desired: desired, live: live, inventories: inventory([primary, liveOnlyPrimary]), liveCanaries: [liveCanary],
            options: SyncFixtures.options(prune: true)))
        #expect(plan.pruneCount == 0)
    }

    @Test("A Namespace that still holds desired objects or live canaries is never pruned")
    func busyNamespace() {
        let ns = k("", "Namespace", "", "prod")
        let other = k("", "Namespace", "", "empty")
        var manifests = desired
        manifests.removeAll { $0.kind == "Namespace" }
        let live = live([("v1", "Namespace", "", "prod", true), ("v1", "Namespace", "", "empty", true)])
        let plan = planner.plan(SyncInput(
            desired: manifests, live: live, inventories: inventory([ns, other]), options: SyncFixtures.options(prune: true)))
        #expect(plan.entries.filter { $0.stage == .prune }.map(\.key) == [other])
    }

    @Test("The inventory ConfigMap round-trips and is rewritten only when it changes")
    func inventoryRoundTrip() throws {
        let first = planner.plan(SyncInput(desired: desired, options: SyncFixtures.options()))
        let cm = first.inventory.configMap(name: "gitcanary-inventory", namespace: "gitcanary-system", source: "apps")
        let text = try #require(cm["data", SyncInventory.entriesKey]?.stringValue)
        #expect(text.split(separator: "\n").contains("apps/Deployment/prod/podinfo"))
        #expect(text.split(separator: "\n").contains("core/Namespace//prod"))
        #expect(text.split(separator: "\n").contains("apiextensions.k8s.io/CustomResourceDefinition//widgets.example.com"))
        #expect(cm["metadata", "labels", SyncLabels.inventory] == "apps")
        let read = SyncShardInventory(configMap: cm)
        #expect(read.inventory.sameStored(as: first.inventory))
        #expect(read.inventory.apiVersion(of: k("apps", "Deployment", "prod", "x")) == "apps/v1")
        let again = planner.plan(SyncInput(desired: desired, inventories: [read], options: SyncFixtures.options()))
        #expect(!again.inventoryChanged)
        let fewer = planner.plan(SyncInput(desired: Array(desired.dropLast()), inventories: [read], options: SyncFixtures.options()))
        #expect(fewer.inventoryChanged)
        #expect(SyncKey(inventoryLine: "bad line") == nil)
        #expect(SyncKey(inventoryLine: "core/ConfigMap/ns/") == nil)
    }

    @Test("Observation scopes: one LIST per kind and namespace, inventory kinds included, one version per kind")
    func scopes() {
        let invs = inventory([k("", "ConfigMap", "gone-ns", "x"), k("batch", "Job", "prod", "j")])
        let scopes = SyncPlanner.observationScopes(desired: desired, inventories: invs, options: SyncFixtures.options())
        let text = scopes.map(\.description)
        #expect(text.contains("ConfigMap (v1) in namespace prod"))
        #expect(text.contains("ConfigMap (v1) in namespace gone-ns"))
        #expect(text.contains("Job (batch/v1) in namespace prod"))
        #expect(text.contains("Namespace (v1)"))
        #expect(text.contains("CustomResourceDefinition (apiextensions.k8s.io/v1)"))
        #expect(Set(text).count == text.count)
        #expect(scopes.count == 12)
    }
}
