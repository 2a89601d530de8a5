import Foundation
import Planner
import Resources
import Testing

@Suite("Sync plan: shard split")
struct SyncShardTests {
    /// `count` canaries, each with a target, a ConfigMap, an HPA and a Service; one shared MetricTemplate.
    static func repo(canaries count: Int) -> [Manifest] {
        var out: [Manifest] = []
        let template: JSONValue = [
            "apiVersion": "flagger.app/v1beta1", "kind": "MetricTemplate", "metadata": ["name": "shared", "namespace": "ns"],
            "spec": ["provider": ["type": "prometheus"], "query": "1"],
        ]
        out.append(Manifest(object: template))
        for i in 0..<count {
            let name = JSONValue.string("app\(i)")
            let ns = JSONValue.string("ns")
            out.append(Manifest(object: [
                "apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": ["name": name, "namespace": ns],
                "spec": [
                    "targetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": name],
                    "autoscalerRef": ["apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "name": name],
                    "service": ["port": 80],
                    "analysis": ["interval": "1m", "metrics": [["name": "m", "templateRef": ["name": "shared"]]]],
                ],
            ]))
            out.append(Manifest(object: [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": name, "namespace": ns],
                "spec": [
                    "replicas": 2, "selector": ["matchLabels": ["app": name]],
                    "template": [
                        "metadata": ["labels": ["app": name]],
                        "spec": ["containers": [[
                            "name": "app", "image": "app:1", "resources": ["requests": ["cpu": "100m", "memory": "64Mi"]],
                            "envFrom": [["configMapRef": ["name": .string("app\(i)-config")]]],
                        ]]],
                    ],
                ],
            ]))
            out.append(Manifest(object: [
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("app\(i)-config"), "namespace": ns],
                "data": ["key": .string("value \(i)")],
            ]))
            out.append(Manifest(object: [
                "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": ["name": name, "namespace": ns],
                "spec": ["scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": name], "minReplicas": 2, "maxReplicas": 4],
            ]))
            out.append(Manifest(object: [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string("app\(i)-extra"), "namespace": ns],
                "spec": ["ports": [["port": 80, "targetPort": "http"]]],
            ]))
        }
        return out
    }

    @Test("The canary hash is stable and spreads canaries evenly")
    func stableHash() {
        #expect(SyncSharding.shard(namespace: "prod", name: "podinfo", count: 1) == 0)
        let a = (0..<1000).map { SyncSharding.shard(namespace: "ns", name: "app\($0)", count: 4) }
        let b = (0..<1000).map { SyncSharding.shard(namespace: "ns", name: "app\($0)", count: 4) }
        #expect(a == b)
        for s in 0..<4 { #expect((200...300).contains(a.count { $0 == s }), "shard \(s)") }
    }

    @Test("Each object is applied by exactly one shard; a canary's shard applies its target, configs, autoscaler")
    func exactlyOnce() throws {
        let manifests = Self.repo(canaries: 40)
        let planner = SyncPlanner()
        var owner: [SyncKey: Int] = [:]
        for index in 0..<3 {
            let plan = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options(shard: SyncShard(index: index, count: 3))))
            #expect(plan.inventory.keys.count == plan.entries.count)
            for e in plan.entries {
                #expect(owner[e.key] == nil, "\(e.key) applied by shards \(owner[e.key] ?? -1) and \(index)")
                owner[e.key] = index
            }
        }
        #expect(owner.count == manifests.count)
        for i in 0..<40 {
            let s = SyncSharding.shard(namespace: "ns", name: "app\(i)", count: 3)
            for key in [
                SyncKey(group: "flagger.app", kind: "Canary", namespace: "ns", name: "app\(i)"),
                SyncKey(group: "apps", kind: "Deployment", namespace: "ns", name: "app\(i)"),
                SyncKey(group: "", kind: "ConfigMap", namespace: "ns", name: "app\(i)-config"),
                SyncKey(group: "autoscaling", kind: "HorizontalPodAutoscaler", namespace: "ns", name: "app\(i)"),
            ] {
                #expect(owner[key] == s, "\(key)")
            }
            // Not referenced by the canary: shard 0.
            #expect(owner[SyncKey(group: "", kind: "Service", namespace: "ns", name: "app\(i)-extra")] == 0)
        }
        // Shared by canaries of every shard: the lowest.
        #expect(owner[SyncKey(group: "flagger.app", kind: "MetricTemplate", namespace: "ns", name: "shared")] == 0)
        #expect(SyncShard(index: 2, count: 3).inventoryName == "gitcanary-inventory-2")
        #expect(SyncShard.single.inventoryName == "gitcanary-inventory")
        #expect(SyncShard(index: 1, count: 3).leaseName == "gitcanary-1")
    }

    @Test("Planning 1,000 canaries (5,001 objects) twice is fast and the second plan writes nothing")
    func performance() async {
        // CPU-bound for seconds in a debug build: run on a thread of its own, not on the (2-thread) cooperative pool
        // that the other tests' sleeps and network waits need.
        let (entries, unchanged, t1, t2) = await Self.offPool {
            let manifests = Self.repo(canaries: 1000)
            let planner = SyncPlanner()
            let clock = ContinuousClock()
            var first = SyncPlan(entries: [], inventory: SyncInventory(), inventoryChanged: false)
            let t1 = clock.measure { first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options())) }
            let live = SyncFixtures.liveState(after: first)
            let invs = [SyncShardInventory(name: "gitcanary-inventory", inventory: first.inventory)]
            var second = first
            let t2 = clock.measure {
                second = planner.plan(SyncInput(desired: manifests, live: live, inventories: invs, options: SyncFixtures.options(prune: true)))
            }
            return (first.entries.count, !second.hasWrites, t1, t2)
        }
        #expect(entries == 5001)
        #expect(unchanged)
        print("sync plan of 5,001 objects: first \(t1), second (unchanged check) \(t2)")
    }

    /// Runs a synchronous body on a new thread and resumes with its result.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
