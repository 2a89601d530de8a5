import Foundation
import Planner
import Resources
import Testing

/// The sync planned on several tasks is the plan planned on one: same entries in the same order, same conflicts,
/// inventory and replicas, whatever the chunking.
@Suite("Sync plan: parallel equals serial")
struct SyncParallelPlanTests {
    @Test("200 canaries, first run, a drifted run and sharded runs", arguments: [1, 2, 3, 8])
    func same(_ parallelism: Int) async {
        let desired = SyncShardTests.repo(canaries: 200)
            + SyncFixtures.decode(SyncFixtures.repo)  // declared twice, generated objects: conflicts
        let planner = SyncPlanner()
        let first = SyncInput(desired: desired, options: SyncFixtures.options(prune: true))
        let serial = planner.plan(first)
        #expect(serial.entries.count > 1_000)
        #expect(await planner.plan(first, parallelism: parallelism) == serial)

        // Live state from the first plan, every tenth object without its applied-hash: unchanged and changed entries.
        var n = 0
        let live = SyncFixtures.liveState(after: serial) { _, object in
            n += 1
            if n % 10 == 0 { object["metadata"]?["annotations"] = nil }
        }
        var second = SyncInput(desired: desired, live: live, options: SyncFixtures.options(prune: true))
        second.liveCanaries = []
        let serialSecond = planner.plan(second)
        let unchanged = serialSecond.entries.filter { if case .unchanged = $0.action { true } else { false } }.count
        #expect(unchanged > 0 && unchanged < serialSecond.entries.count)
        #expect(await planner.plan(second, parallelism: parallelism) == serialSecond)

        let sharded = SyncInput(desired: desired, options: SyncFixtures.options(shard: SyncShard(index: 1, count: 3)))
        #expect(await planner.plan(sharded, parallelism: parallelism) == planner.plan(sharded))
    }
}
