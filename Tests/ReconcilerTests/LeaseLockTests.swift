import Applier
import Foundation
import KubeAPI
import Logging
import Resources
import Testing

@Suite("LeaseLock: one writer per shard")
struct LeaseLockTests {
    let path = "/apis/coordination.k8s.io/v1/namespaces/gitcanary-system/leases/gitcanary-0"

    func lock(_ api: ApplierFakeAPI, _ identity: String, duration: Duration = .seconds(2), renew: Duration? = nil) throws -> LeaseLock {
        LeaseLock(
            client: try api.client(), namespace: "gitcanary-system", name: "gitcanary-0", identity: identity,
            duration: duration, renewInterval: renew, pollInterval: .milliseconds(50), logger: ApplierTestRun.quiet)
    }

    @Test("Acquire creates the Lease, renewal keeps it fresh, release clears the holder and keeps the duration")
    func acquireRenewRelease() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        guard case .acquired(let handle) = try await lock(api, "run-a", renew: .milliseconds(100)).acquire(waitingUpTo: .zero) else {
            Issue.record("not acquired")
            return
        }
        let created = try #require(api.object(path))
        #expect(created["spec", "holderIdentity"] == "run-a")
        #expect(created["spec", "leaseDurationSeconds"] == 2)
        let firstRenew = created["spec", "renewTime"]?.stringValue ?? ""
        #expect(firstRenew.count == "2026-11-22T00:00:00.000000Z".count)
        let deadline = ContinuousClock.now + .seconds(30)
        while handle.renewals < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(handle.renewals >= 2)
        #expect(api.object(path)?["spec", "renewTime"]?.stringValue != firstRenew)
        #expect(await handle.release())
        let released = try #require(api.object(path))
        #expect(released["spec", "holderIdentity"] == nil)
        #expect(released["spec", "leaseDurationSeconds"] == 2)
        #expect(!handle.isLost)
        let puts = api.counts["PUT leases"] ?? 0
        try await Task.sleep(for: .milliseconds(250))
        #expect(api.counts["PUT leases"] == puts, "no renewal after release")
    }

    @Test("A run that finds the Lease held waits up to its bound, then reports the holder; after release it acquires")
    func heldThenReleased() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        guard case .acquired(let a) = try await lock(api, "run-a", duration: .seconds(30)).acquire(waitingUpTo: .zero) else {
            Issue.record("a did not acquire")
            return
        }
        let started = ContinuousClock.now
        let outcome = try await lock(api, "run-b").acquire(waitingUpTo: .milliseconds(300))
        let waited = ContinuousClock.now - started
        guard case .heldBy(let holder, let until) = outcome else {
            Issue.record("b acquired a held lease")
            return
        }
        #expect(holder == "run-a")
        #expect(until != nil)
        #expect(waited >= .milliseconds(300))  // returning at all shows the bound: run-a renews and never expires
        // Release during B's wait: B gets it without waiting for expiry.
        async let b = lock(api, "run-b").acquire(waitingUpTo: .seconds(5))
        try await Task.sleep(for: .milliseconds(100))
        await a.release()
        guard case .acquired(let bh) = try await b else {
            Issue.record("b did not acquire after release")
            return
        }
        #expect(api.object(path)?["spec", "holderIdentity"] == "run-b")
        #expect(api.object(path)?["spec", "leaseTransitions"] == 1)
        await bh.release()
    }

    @Test("A Lease left by a dead run blocks the next run only until renewTime + duration (real time)")
    func deadHolderExpires() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let renewed = Date().addingTimeInterval(-0.5)
        api.put(path, [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": "gitcanary-0", "namespace": "gitcanary-system"],
            "spec": ["holderIdentity": "dead-run", "leaseDurationSeconds": 1, "renewTime": .string(RFC3339.formatMicro(renewed)), "leaseTransitions": 3],
        ])
        let started = ContinuousClock.now
        guard case .acquired(let h) = try await lock(api, "next-run").acquire(waitingUpTo: .seconds(5)) else {
            Issue.record("the dead run's lease never expired")
            return
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(300), "\(waited)")  // no upper bound: a loaded machine may delay the polls
        #expect(api.object(path)?["spec", "leaseTransitions"] == 4)
        await h.release()
    }

    @Test("Of runs racing for a free Lease exactly one wins; the others see who holds it")
    func race() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let ids = (0..<4).map { "racer-\($0)" }
        let locks = try ids.map { try lock(api, $0, duration: .seconds(10)) }
        let outcomes = try await withThrowingTaskGroup(of: (String, LeaseLock.Outcome).self) { group in
            for l in locks { group.addTask { (l.identity, try await l.acquire(waitingUpTo: .milliseconds(200))) } }
            var out: [(String, LeaseLock.Outcome)] = []
            for try await o in group { out.append(o) }
            return out
        }
        var winners: [String] = []
        var handles: [LeaseHandle] = []
        var reported: Set<String> = []
        for (id, o) in outcomes {
            switch o {
            case .acquired(let h):
                winners.append(id)
                handles.append(h)
            case .heldBy(let holder, _): reported.insert(holder)
            }
        }
        #expect(winners.count == 1)
        #expect(reported == Set(winners))
        #expect(api.object(path)?["spec", "holderIdentity"]?.stringValue == winners.first)
        for h in handles { await h.release() }
    }

    @Test("A holder whose Lease was taken over notices at its next renewal and stops")
    func lost() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        guard case .acquired(let h) = try await lock(api, "slow-run", renew: .milliseconds(100)).acquire(waitingUpTo: .zero) else {
            Issue.record("not acquired")
            return
        }
        var taken = try #require(api.object(path))
        taken.set("other-run", at: ["spec", "holderIdentity"])
        api.put(path, taken)  // a new resourceVersion: the slow run's next conditional renewal conflicts
        let deadline = ContinuousClock.now + .seconds(30)
        while !h.isLost && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(h.isLost)
        #expect(await h.release() == false)
        #expect(api.object(path)?["spec", "holderIdentity"] == "other-run")
    }

    @Test("A sync with nothing to write takes no Lease; a sync that finds it held reports the holder and writes nothing")
    func runProtocol() async throws {
        let api = try ApplierFakeAPI()
        defer { api.stop() }
        let run = ApplierTestRun(client: try api.client(), options: .init(prune: true, sourceName: "apps"))
        _ = try await run.run(ApplierRepo.repo())
        api.resetCounts()
        _ = try await run.run(ApplierRepo.repo())
        #expect(api.counts.keys.filter { $0.hasSuffix("leases") }.isEmpty, "\(api.counts)")
        // Someone else holds the shard's Lease: a run with writes waits, then reports the holder.
        guard case .acquired(let other) = try await lock(api, "other-run", duration: .seconds(30)).acquire(waitingUpTo: .zero) else {
            Issue.record("not acquired")
            return
        }
        api.resetCounts()
        let out = try await run.run(ApplierRepo.repo(color: "red"))
        #expect(out.heldBy == "other-run")
        #expect(out.changes == nil)
        #expect(api.counts["PATCH configmaps"] == nil)
        await other.release()
    }
}
