import Testing

@testable import Reconciler

/// What a run read on the way to its plans (the early LISTs, the sync's input, Git's manifests) goes to
/// `keepUntilExit` only when the run writes nothing; a run that writes drops it before its writes, so that it does not
/// hold a second copy of the cluster's objects through them (peak RSS).
@Suite("Reconciler.run: what it read, kept or dropped")
struct TransientTests {
    typealias World = ReconcilerRunTests.World

    static func leftovers(_ w: World) throws -> Reconciler.Leftovers {
        let kept = w.kept.withLock { $0 }
        #expect(kept.count == 1)
        return try #require(kept.first as? Reconciler.Leftovers)
    }

    @Test("a no-op run hands it to keepUntilExit; a run that syncs a commit does not keep it")
    func keptOnlyWithoutWrites() async throws {
        let w = try World()
        defer { w.harness.stop() }
        try await w.initialize(memo: PlanMemoTests.location(w))
        w.harness.sandbox.advanceClock(by: 60)
        let (noop, _) = try await w.run(memo: PlanMemoTests.location(w))
        #expect(noop.errors.isEmpty, "\(noop.errors)")
        #expect(noop.changeSet == nil)
        let quiet = try #require(try Self.leftovers(w).transient)
        #expect(quiet.input != nil)
        #expect(!quiet.manifests.isEmpty)
        #expect(quiet.prefetched != nil)

        try w.changeImageOfA()
        let (writing, _) = try await w.run(memo: PlanMemoTests.location(w))
        #expect(writing.errors.isEmpty, "\(writing.errors)")
        #expect(writing.changeSet != nil)
        #expect(try Self.leftovers(w).transient == nil)
    }
}
