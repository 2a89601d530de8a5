import Planner
import Resources
import Testing

/// ``SyncMemo``: a (desired, live) pair verified unchanged is not compared again while its identities (the
/// manifest's content id, the live object's uid and resourceVersion, the settings) are the same; anything else is
/// planned in full.
@Suite("Sync plan: memo of verified objects")
struct SyncMemoTests {
    let planner = SyncPlanner()

    /// The fixture's manifests, each with a content id as the Git source gives them.
    static func manifests() -> [Manifest] {
        SyncFixtures.decode(SyncFixtures.repo).enumerated().map { i, m in
            var m = m
            m.contentID = "repo/apps.yaml@blob/1:\(i)"
            return m
        }
    }

    /// Live objects as applied by a first plan, with uids and resourceVersions (`mutate` may change them).
    static func live(_ first: SyncPlan, mutate: @escaping (SyncKey, inout JSONValue) -> Void = { _, _ in }) -> SyncLiveState {
        SyncFixtures.liveState(after: first) { key, o in
            o.set(.string("uid-\(key.kind)-\(key.name)"), at: ["metadata", "uid"])
            o.set("7", at: ["metadata", "resourceVersion"])
            mutate(key, &o)
        }
    }

    func plan(_ manifests: [Manifest], _ live: SyncLiveState, inventory: SyncInventory, memo: SyncMemo?) -> SyncPlan {
        var input = SyncInput(
            desired: manifests, live: live, inventories: [SyncShardInventory(name: "gitcanary-inventory", inventory: inventory)],
            options: SyncFixtures.options())
        input.memo = memo
        return planner.plan(input)
    }

    static func summary(_ plan: SyncPlan) -> [String] {
        plan.entries.map { "\($0.ref) \($0.isWrite ? "write" : "unchanged") \($0.changes)" }
    }

    @Test("a second plan with the memo of the first reuses every verified pair and plans exactly the same")
    func reuse() throws {
        let manifests = Self.manifests()
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        let live = Self.live(first)
        let verifying = plan(manifests, live, inventory: first.inventory, memo: SyncMemo(salt: "v1"))
        let verified = try #require(verifying.memo)
        #expect(verifying.memoHits == 0)
        #expect(verified.verified.count == first.entries.count)
        let reused = plan(manifests, live, inventory: first.inventory, memo: verified)
        #expect(reused.memoHits == first.entries.count)
        #expect(Self.summary(reused) == Self.summary(verifying))
        #expect(reused.gitReplicas == verifying.gitReplicas)
        #expect(reused.memo == verified)
        #expect(!reused.hasWrites)
    }

    @Test("a live object with a new resourceVersion is compared again (its drift is found); with the same one the memo is trusted")
    func resourceVersion() {
        let manifests = Self.manifests()
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        let verified = plan(manifests, Self.live(first), inventory: first.inventory, memo: SyncMemo(salt: "v1")).memo
        func drifted(rv: String) -> SyncPlan {
            let live = Self.live(first) { key, o in
                guard key.kind == "Service" else { return }
                o.set(.array([]), at: ["spec", "ports"])
                o.set(.string(rv), at: ["metadata", "resourceVersion"])
            }
            return plan(manifests, live, inventory: first.inventory, memo: verified)
        }
        let changed = drifted(rv: "8")
        #expect(changed.entries.contains { $0.ref.kind == "Service" && $0.isWrite })
        #expect(changed.memoHits == first.entries.count - 1)
        // The API server changes the resourceVersion on every write: a change without one cannot happen, and the memo
        // (consulted, not ignored) answers "unchanged".
        let trusted = drifted(rv: "7")
        #expect(!trusted.hasWrites)
        #expect(trusted.memoHits == first.entries.count)
    }

    @Test("no reuse without a content id, after the manifest changed, or with another salt")
    func identities() throws {
        let manifests = Self.manifests()
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        let live = Self.live(first)
        let verified = plan(manifests, live, inventory: first.inventory, memo: SyncMemo(salt: "v1")).memo
        var edited = manifests
        edited[0].object.set("changed", at: ["metadata", "labels", "edited"])
        #expect(edited[0].contentID == nil)
        #expect(manifests[0].contentID != nil)
        let afterEdit = plan(edited, live, inventory: first.inventory, memo: verified)
        #expect(afterEdit.memoHits == first.entries.count - 1)
        #expect(afterEdit.hasWrites)
        var other = try #require(verified)
        other.salt = "v2"
        #expect(plan(manifests, live, inventory: first.inventory, memo: other).memoHits == 0)
        #expect(plan(SyncFixtures.decode(SyncFixtures.repo), live, inventory: first.inventory, memo: verified).memoHits == 0)
    }

    @Test("manifests equal but for their content id are equal")
    func equality() {
        var a = Self.manifests()[0]
        let b = a
        a.contentID = "other"
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test("the key of a settled manifest is worked out without settling it (namespaced, defaulted, cluster-scoped, CRD-declared scope)")
    func settledKey() {
        let extra = SyncFixtures.decode("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: other, namespace: ignored}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.example.com}
            spec: {group: example.com, scope: Cluster, names: {kind: Gadget, plural: gadgets}}
            ---
            apiVersion: example.com/v1
            kind: Gadget
            metadata: {name: g, namespace: ignored}
            """)
        let manifests = Self.manifests() + extra
        let normalizer = SyncNormalizer(sourceName: "s", defaultNamespace: "fallback", desired: manifests)
        for m in manifests {
            #expect(normalizer.settledKey(m) == SyncKey(object: normalizer.settle(m)), "\(m.ref)")
        }
        #expect(normalizer.settledKey(extra[1]).namespace == "fallback")
        #expect(normalizer.settledKey(extra[3]).namespace == "")
    }
}
