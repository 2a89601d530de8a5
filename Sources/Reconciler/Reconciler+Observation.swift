import Applier
import Foundation
import KubeAPI
import Planner
import Resources

extension Reconciler {
    /// What ``observe(_:syncOptions:namespaces:observer:options:timings:)`` found.
    enum Observation: Sendable {
        case syncFailed(KubeAPIError)
        case canariesFailed(SyncPlan, KubeAPIError)
        /// The sync's plan, the canaries' observation, the sync's LISTs (``SyncInput/reads``), and the sync's input.
        case observed(SyncPlan, ClusterSnapshot, [SyncRead], SyncInput)
    }

    /// How long the parts of the observation took (seconds; the last two overlap).
    struct ObservationTimings: Sendable {
        var syncObservation = 0.0
        var syncPlan = 0.0
        var canaryObservation = 0.0
    }

    /// Observes the cluster for the sync, then plans the sync (pure CPU) while the canaries are observed: both read
    /// only this run's observation. The sync lists the kinds the canaries read without its label selector in the
    /// canaries' namespaces, so the canaries' observation reuses those LISTs (one LIST per kind and namespace in a
    /// run that writes nothing).
    func observe(
        _ desired: [Manifest], syncOptions: SyncOptions, namespaces: [String]?, observer: CanaryObserver, options: ReconcileOptions,
        syncMemo: SyncMemo?, prefetched: SyncObserver.PrefetchedReads?, settlement: SyncSettlement?, timings: inout ObservationTimings
    ) async -> Observation {
        var input: SyncInput
        let started = ContinuousClock.now
        do {
            input = try await SyncObserver(client: environment.client, concurrency: options.concurrency).observe(
                desired: desired, options: syncOptions, unlabelledKinds: Self.sharedKinds, unlabelledNamespaces: Set(namespaces ?? []),
                prefetched: prefetched, desiredScopes: settlement?.scopes)
        } catch {
            return .syncFailed(error)
        }
        let observed = ContinuousClock.now
        timings.syncObservation = Self.seconds(observed - started)
        input.memo = syncMemo
        input.settlement = settlement
        // The canaries' observation reuses the sync's unlabelled LISTs, and the LISTs of its own made while Git was read.
        var shared = input.unfiltered
        for (scope, items) in prefetched?.unfiltered(except: Set(shared.keys)) ?? [:] { shared[scope] = items }
        let canaryPrefetched = shared
        let planInput = input
        async let plannedSync = { () -> (SyncPlan, Double) in
            let plan = await SyncPlanner().plan(planInput, parallelism: ProcessInfo.processInfo.activeProcessorCount)
            return (plan, Self.seconds(ContinuousClock.now - observed))
        }()
        do {
            let snapshot = try await observer.observe(
                namespaces: namespaces, selector: options.selector, shard: options.shard, settings: options.planner,
                prefetched: canaryPrefetched, prefetchedCanaries: input.decodedCanaries)
            timings.canaryObservation = Self.seconds(ContinuousClock.now - observed)
            let (plan, planTime) = await plannedSync
            timings.syncPlan = planTime
            // The next run makes these LISTs while it reads Git: the sync's, then the canaries' own.
            let own = snapshot.read.map { SyncScope(apiVersion: $0.apiVersion, kind: $0.kind, namespace: $0.namespace) }
                .filter { input.unfiltered[$0] == nil }.map { SyncRead(scope: $0, labelled: false) }
            return .observed(plan, snapshot, planInput.reads + own, planInput)
        } catch {
            return .canariesFailed(await plannedSync.0, error)
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
