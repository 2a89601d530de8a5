import Planner
import Resources
import Testing

/// ``SyncSettlement``: the desired side of a plan, worked out ahead (while a run waits for its LISTs), gives the plan
/// worked out in one go; one worked out from other objects or options is not used.
@Suite("Sync plan: the desired side settled ahead")
struct SyncSettlementTests {
    let planner = SyncPlanner()

    /// The fixture, with one object declared twice (a conflict) and one without a namespace (defaulted).
    static func manifests() -> [Manifest] {
        let fixture = SyncFixtures.decode(SyncFixtures.repo)
        let extra = SyncFixtures.decode("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: no-namespace}
            data: {a: b}
            """, file: "repo/extra.yaml")
        return fixture + extra + [fixture[1]]
    }

    func input(_ manifests: [Manifest], options: SyncOptions, live: SyncLiveState = SyncLiveState()) -> SyncInput {
        SyncInput(desired: manifests, live: live, options: options)
    }

    @Test("a plan with the settlement worked out ahead is the plan worked out in one go")
    func same() {
        let manifests = Self.manifests()
        let options = SyncFixtures.options()
        let first = planner.plan(input(manifests, options: options))
        let live = SyncFixtures.liveState(after: first)
        var ahead = input(manifests, options: options, live: live)
        ahead.settlement = planner.settle(manifests, options: options)
        let planned = planner.plan(input(manifests, options: options, live: live))
        #expect(planner.plan(ahead) == planned)
        #expect(planned.conflicts.contains { $0.reason.hasPrefix("declared twice (first at repo/apps.yaml") })
        #expect(planned.entries.contains { $0.ref.name == "no-namespace" && $0.ref.namespace == options.defaultNamespace })
        // The scopes it carries are the desired objects' scopes.
        #expect(SyncPlanner.observationScopes(of: ahead.settlement!.scopes, inventories: [])
            == SyncPlanner.observationScopes(desired: manifests, inventories: [], options: options))
    }

    @Test("a settlement of other options or other objects is worked out again")
    func stale() {
        let manifests = Self.manifests()
        let options = SyncFixtures.options()
        var other = options
        other.defaultNamespace = "elsewhere"
        var withOther = input(manifests, options: options)
        withOther.settlement = planner.settle(manifests, options: other)
        #expect(planner.plan(withOther) == planner.plan(input(manifests, options: options)))
        var fewer = input(manifests, options: options)
        fewer.settlement = planner.settle(Array(manifests.dropLast(2)), options: options)
        #expect(planner.plan(fewer) == planner.plan(input(manifests, options: options)))
        // As many objects, but other ones: a copy of the array with one object changed.
        var edited = manifests
        edited[1].object.set(.int(9), at: ["spec", "replicas"])
        var stale = input(manifests, options: options)
        stale.settlement = planner.settle(edited, options: options)
        #expect(planner.plan(stale) == planner.plan(input(manifests, options: options)))
        #expect(planner.plan(stale) != planner.plan(input(edited, options: options)))
    }

    @Test("live objects indexed per LIST and merged: the later LIST wins, each keeps the version it was listed with")
    func liveMerge() {
        let a: JSONValue = ["metadata": ["name": "x", "namespace": "prod", "resourceVersion": "1"]]
        let b: JSONValue = ["metadata": ["name": "x", "namespace": "prod", "resourceVersion": "2"]]
        let c: JSONValue = ["metadata": ["name": "y", "namespace": "prod"]]
        var live = SyncLiveState(apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", items: [a, c])
        live.merge(SyncLiveState(apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", items: [b]))
        let x = SyncKey(group: "autoscaling", kind: "HorizontalPodAutoscaler", namespace: "prod", name: "x")
        let y = SyncKey(group: "autoscaling", kind: "HorizontalPodAutoscaler", namespace: "prod", name: "y")
        #expect(live[x]?["metadata", "resourceVersion"] == "2")
        #expect(live[x]?["apiVersion"] == "autoscaling/v2")
        #expect(live.version(of: x) == "autoscaling/v2")
        #expect(live.version(of: y) == "autoscaling/v1")
        #expect(live[SyncKey(group: "autoscaling", kind: "HorizontalPodAutoscaler", namespace: "dev", name: "x")] == nil)
        #expect(live[SyncKey(group: "", kind: "HorizontalPodAutoscaler", namespace: "prod", name: "x")] == nil)
    }
}
