import Planner
import Resources
import Testing

@Suite("Sync plan: unchanged detection")
struct SyncUnchangedTests {
    let planner = SyncPlanner()

    func plans(mutate: @escaping (SyncKey, inout JSONValue) -> Void) -> (first: SyncPlan, second: SyncPlan) {
        let manifests = SyncFixtures.decode(SyncFixtures.repo)
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        let live = SyncFixtures.liveState(after: first, mutate: mutate)
        let inventories = [SyncShardInventory(name: "gitcanary-inventory", inventory: first.inventory)]
        let second = planner.plan(SyncInput(desired: manifests, live: live, inventories: inventories, options: SyncFixtures.options()))
        return (first, second)
    }

    @Test("A second plan over what was applied writes nothing, despite server fields, defaults and rollout replicas")
    func secondPlanIsEmpty() {
        let (first, second) = plans { _, _ in }
        #expect(second.entries.count == first.entries.count)
        #expect(second.unchangedCount == first.entries.count)
        #expect(!second.inventoryChanged)
        #expect(!second.hasWrites)
    }

    @Test("Normalised values still hold", arguments: ["quantities", "int-or-string", "number"])
    func normalised(change: String) {
        let (_, second) = plans { key, live in
            switch (change, key.kind) {
            case ("quantities", "Deployment"):
                guard var container = live["spec", "template", "spec", "containers"]?.arrayValue?.first else { return }
                container.set("1", at: ["resources", "limits", "cpu"])
                container.set("1024Mi", at: ["resources", "limits", "memory"])
                container.set("0.1", at: ["resources", "requests", "cpu"])
                live.set(.array([container]), at: ["spec", "template", "spec", "containers"])
            case ("int-or-string", "Service"):
                live.set([["port": 80, "targetPort": "8080", "protocol": "TCP"]], at: ["spec", "ports"])
            case ("number", "HorizontalPodAutoscaler"):
                live.set(.double(2), at: ["spec", "minReplicas"])
            default: break
            }
        }
        let writes = second.entries.filter(\.isWrite).map { "\($0.ref): \($0.changes)" }
        #expect(writes.isEmpty, "\(change)")
    }

    @Test(
        "Drift and Git changes are applied",
        arguments: [
            ("Deployment", "image drifted"), ("ConfigMap", "hash from an older commit"), ("Service", "a port removed"),
            ("HorizontalPodAutoscaler", "maxReplicas changed by hand"), ("Secret", "a value changed by hand"),
            ("Widget", "quantity-looking text outside quantity fields"), ("Canary", "labels removed"),
        ])
    func drift(kind: String, what: String) {
        let (_, second) = plans { key, live in
            guard key.kind == kind else { return }
            switch kind {
            case "Deployment":
                guard var c = live["spec", "template", "spec", "containers"]?.arrayValue?.first else { return }
                c["image"] = "ghcr.io/stefanprodan/podinfo:6.0.1"
                live.set(.array([c]), at: ["spec", "template", "spec", "containers"])
            case "ConfigMap": live.set("0000", at: ["metadata", "annotations", SyncLabels.appliedHash])
            case "Service": live.set([], at: ["spec", "ports"])
            case "HorizontalPodAutoscaler": live.set(9, at: ["spec", "maxReplicas"])
            case "Secret": live.set("b3RoZXI=", at: ["data", "token"])
            case "Widget": live.set("3000m", at: ["spec", "size"])
            case "Canary": live.set(nil, at: ["metadata", "labels", SyncLabels.source])
            default: break
            }
        }
        let writes = second.entries.filter(\.isWrite)
        #expect(writes.map(\.ref.kind) == [kind], "\(what)")
        if kind == "Deployment" {
            #expect(writes.first?.changes.map(\.description) == [
                #"spec.template.spec.containers[0].image: "ghcr.io/stefanprodan/podinfo:6.0.1" → "ghcr.io/stefanprodan/podinfo:6.0.0""#
            ])
        }
        #expect(writes.first?.exists == true)
    }

    @Test(
        "Subset comparison table",
        arguments: [
            (#"{"a":1}"#, #"{"a":1,"b":2}"#, true),
            (#"{"a":{}}"#, #"{}"#, true),
            (#"{"a":null}"#, #"{}"#, true),
            (#"{"a":[]}"#, #"{}"#, true),
            (#"{"a":[1,2]}"#, #"{"a":[1]}"#, false),
            (#"{"a":[{"x":1}]}"#, #"{"a":[{"x":1,"y":2}]}"#, true),
            (#"{"a":[1,2]}"#, #"{"a":[2,1]}"#, false),
            (#"{"port":8080}"#, #"{"port":"8080"}"#, true),
            (#"{"port":"http"}"#, #"{"port":8080}"#, false),
            (#"{"limits":{"cpu":"1000m"}}"#, #"{"limits":{"cpu":"1"}}"#, true),
            (#"{"limits":{"cpu":"1"}}"#, #"{"limits":{"cpu":1}}"#, true),
            (#"{"requests":{"memory":"1Gi"}}"#, #"{"requests":{"memory":"1024Mi"}}"#, true),
            (#"{"requests":{"memory":"1G"}}"#, #"{"requests":{"memory":"1Gi"}}"#, false),
            (#"{"requests":{"memory":"1e3"}}"#, #"{"requests":{"memory":"1k"}}"#, true),
            (#"{"requests":{"cpu":"1.5"}}"#, #"{"requests":{"cpu":"1500m"}}"#, true),
            (#"{"requests":{"cpu":"2"}}"#, #"{"requests":{"cpu":"1500m"}}"#, false),
            (#"{"env":"1000m"}"#, #"{"env":"1"}"#, false),
            (#"{"a":"x"}"#, #"{"a":["x"]}"#, false),
            (#"{"a":1}"#, #"{}"#, false),
            (#"{"a":false}"#, #"{}"#, false),
        ])
    func subset(desired: String, live: String, holds: Bool) throws {
        let d = try JSONParser.parse(Array(desired.utf8))
        let l = try JSONParser.parse(Array(live.utf8))
        #expect(SyncCompare.holds(d, in: l) == holds)
    }

    @Test("A Secret's stringData is compared with the live base64 data the server keeps")
    func stringData() throws {
        let yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: prod}\nstringData: {password: hunter2}\n"
        let manifests = SyncFixtures.decode(yaml)
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        let same = SyncFixtures.liveState(after: first) { _, o in
            o["stringData"] = nil
            o.set("aHVudGVyMg==", at: ["data", "password"])
        }
        let samePlan = planner.plan(SyncInput(desired: manifests, live: same, options: SyncFixtures.options()))
        #expect(samePlan.unchangedCount == 1)
        let other = SyncFixtures.liveState(after: first) { _, o in
            o["stringData"] = nil
            o.set("b3RoZXI=", at: ["data", "password"])
        }
        let changed = planner.plan(SyncInput(desired: manifests, live: other, options: SyncFixtures.options()))
        #expect(changed.entries.first?.changes.map(\.description) == ["data.password: (sensitive) → (sensitive)"])
    }

    @Test("A target whose replicas Git's manager owned alone gets a hand-over; shared ownership needs none")
    func handover() throws {
        let manifests = SyncFixtures.decode(SyncFixtures.repo)
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        func live(_ managers: [String]) -> SyncLiveState {
            SyncFixtures.liveState(after: first) { key, o in
                guard key.kind == "Deployment" else { return }
                o.set(.array(managers.map { ["manager": .string($0), "operation": "Apply", "fieldsV1": ["f:spec": ["f:replicas": [:]]]] }),
                      at: ["metadata", "managedFields"])
            }
        }
        let alone = planner.plan(SyncInput(desired: manifests, live: live(["gitcanary"]), options: SyncFixtures.options()))
        let target = try #require(alone.entries.first { $0.ref.kind == "Deployment" })
        #expect(target.isWrite)
        #expect(target.handover?["spec", "replicas"] == 3)
        #expect(target.handover?["metadata", "name"] == "podinfo")
        let shared = planner.plan(SyncInput(desired: manifests, live: live(["gitcanary", "gitcanary-rollout"]), options: SyncFixtures.options()))
        #expect(shared.unchangedCount == shared.entries.count)
        let rolloutOnly = planner.plan(SyncInput(desired: manifests, live: live(["gitcanary-rollout"]), options: SyncFixtures.options()))
        #expect(rolloutOnly.unchangedCount == rolloutOnly.entries.count)
    }
}
