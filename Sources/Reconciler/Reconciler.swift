import Analysis
import Applier
import Foundation
import GitSource
import KubeAPI
import Logging
import Planner
import Resources

/// One run, end to end: fetch → decode → observe → plan → (Lease) → apply → report. It only sequences the stages;
/// each stage is its own type (`GitSource`, `SyncObserver` + `CanaryObserver`, `SyncPlanner` + `Planner`,
/// `SyncApplier` + `CanaryPlanExecutor` + `CanaryEffects`).
///
/// The run protocol (architecture rules 2–5): everything is observed and planned read-only first; the Lease of the
/// shard is taken only when something is to be written (the sync has writes, or a canary is due or drifted), and
/// webhooks are called only while holding it. A run never waits for a rollout or an analysis interval.
public struct Reconciler: Sendable {
    /// What the run works with.
    public let environment: ReconcileEnvironment

    /// Creates a reconciler.
    public init(environment: ReconcileEnvironment) { self.environment = environment }

    /// Runs once and reports. Never throws: errors are in the report (``RunReport/errors``).
    public func run(_ options: ReconcileOptions) async -> RunReport {
        let started = ContinuousClock.now
        var report = RunReport(mode: options.mode)
        report.shard = options.shard
        let logger = environment.logger
        let client = environment.client
        func seconds(since t: ContinuousClock.Instant) -> Double { Self.seconds(ContinuousClock.now - t) }
        func finish(_ r: inout RunReport) {
            r.timings["total"] = seconds(since: started)
            var verbs: [String: Int] = [:]
            var errors = 0
            for (k, e) in client.accounting.snapshot {
                verbs[k.verb.lowercased(), default: 0] += e.requests
                errors += e.errors
            }
            r.requestsByVerb = verbs
            r.requestErrors = errors
        }

        // 0. With a memo, the last run's sync LISTs are made while Git is fetched (the same while Git's kinds and
        // namespaces are; the observation makes any other read itself and ignores those it does not need).
        let lastReads = environment.planMemo.map(SyncReadsFile.load) ?? []
        let prefetchOptions = SyncOptions(
            prune: false, sourceName: options.sourceName, shard: options.shard, inventoryNamespace: options.systemNamespace,
            defaultNamespace: options.defaultNamespace)
        let observer0 = SyncObserver(client: client, concurrency: options.concurrency)
        // (Held in a variable that is cleared once used: the task keeps its result, the LISTs' objects, while referenced.)
        var prefetching = environment.planMemo == nil ? nil : Task { await observer0.prefetch(lastReads, options: prefetchOptions) }
        // The memo files are read meanwhile too.
        let memoLoading = environment.planMemo.map { location in
            Task { (SyncMemoFile.load(location), PlanMemo.load(location, logger: logger)) }
        }

        // 1. Git.
        var t = ContinuousClock.now
        var set: ManifestSet
        do {
            let fetched = try await environment.source.fetch(logger: logger)
            set = try await environment.source.manifests(at: fetched.revision, logger: logger)
            report.revision = fetched.revision
        } catch {
            prefetching?.cancel()
            memoLoading?.cancel()
            report.errors.append("git: \(error)")
            finish(&report)
            return report
        }
        report.manifestErrors = set.errors.map(\.description)
        report.timings["git"] = seconds(since: t)
        let revision = GitRevision(commit: set.revision.commit, ref: set.revision.ref)

        // 2. Observe (read-only) and plan the sync.
        t = ContinuousClock.now
        let syncOptions = SyncOptions(
            prune: options.prune && set.errors.isEmpty, sourceName: options.sourceName, shard: options.shard,
            inventoryNamespace: options.systemNamespace, defaultNamespace: options.defaultNamespace)
        // The desired side of the sync is settled while the cluster's LISTs are still arriving.
        var settling: Task<SyncSettlement, Never>? = Task { [manifests = set.manifests] in
            SyncPlanner().settle(manifests, options: syncOptions)
        }
        let namespaces = canaryNamespaces(options, manifests: set.manifests)
        let observer = CanaryObserver(client: client, concurrency: options.concurrency)
        var parts = ObservationTimings()
        let loadedMemos = await memoLoading?.value
        let syncMemo = loadedMemos?.0
        // What the observation read and worked out on the way (the early LISTs, the sync's input, Git's manifests) is
        // held only until the run knows whether it writes. A run that writes drops it first: held through the writes,
        // it was a second copy of the cluster's objects (peak RSS +25 MB at 1,000 canaries). A run that writes nothing
        // hands it to keepUntilExit, so that the exit frees it rather than the run, object by object.
        var transient: Transient? = Transient()
        let syncPlan: SyncPlan
        var snapshot: ClusterSnapshot
        let observedReads: [SyncRead]
        let now: Date
        do {
            let prefetched = await prefetching?.value
            prefetching = nil
            transient?.prefetched = prefetched
            let settlement = await settling?.value
            settling = nil
            report.prefetchedReads = prefetched?.count ?? 0
            let observation = await observe(
                set.manifests, syncOptions: syncOptions, namespaces: namespaces, observer: observer, options: options,
                syncMemo: syncMemo, prefetched: prefetched, settlement: settlement, timings: &parts)
            report.timings["observe.sync"] = parts.syncObservation
            report.timings["observe.syncPlan"] = parts.syncPlan
            report.timings["observe.canaries"] = parts.canaryObservation
            // The plan holds what is to be written; the decoded manifests (and their source maps) are not read again.
            transient?.manifests = set.manifests
            set.manifests = []
            if options.prune && !set.errors.isEmpty {
                report.errors.append("prune skipped: some files could not be decoded, so what left Git is not known")
            }
            // The analysis clock: the API server's (read from its responses above) unless --now is given.
            now = options.now ?? client.serverClock.now() ?? Date()
            report.now = now
            switch observation {
            case .syncFailed(let error):
                report.errors.append("observe: \(error.description)")
                finish(&report)
                return report
            case .canariesFailed(let plan, let error):
                report.syncPlan = plan
                report.errors.append("observe canaries: \(error.description)")
                finish(&report)
                return report
            case .observed(let plan, let snap, let reads, let input):
                syncPlan = plan
                snapshot = snap
                observedReads = reads
                transient?.input = input
            }
        }
        report.syncPlan = syncPlan
        report.timings["observe"] = seconds(since: t)
        report.reusedObjects = syncPlan.memoHits
        if let location = environment.planMemo, let memo = syncPlan.memo, memo.verified != syncMemo?.verified {
            SyncMemoFile.save(memo, location, logger: logger)
        }
        if let location = environment.planMemo, observedReads != lastReads {
            SyncReadsFile.save(observedReads, location, logger: logger)
        }

        if syncPlan.hasWrites { transient = nil }

        // 3. Plan each canary with a probe that asks nothing: is it due, or drifted? (`plan` plans against the state
        // the sync would leave: what Git declares laid over what is live.)
        t = ContinuousClock.now
        if options.mode == .plan { snapshot.overlay(syncPlan) }
        let context = PlanContext(options: options, revision: revision, now: now, syncPlan: syncPlan, observer: observer, namespaces: namespaces)
        // `plan` lays the sync's bodies over the observed objects without new resourceVersions: no memo then.
        let memoLocation = options.mode == .plan && syncPlan.hasWrites ? nil : environment.planMemo
        let memo = memoLocation == nil ? nil : loadedMemos?.1
        let fingerprint = memoLocation.map {
            PlanFingerprint(salt: $0.salt, server: client.configuration.server, settings: options.planner)
        }
        func remember(_ works: [CanaryWork]) {
            report.reusedPlans = works.reduce(0) { $0 + ($1.reused ? 1 : 0) }
            guard let memoLocation else { return }
            let updated = PlanMemo.remembering(works)
            if updated != memo { updated.save(memoLocation, logger: logger) }
        }
        var works = await context.precheck(snapshot, memo: memo, fingerprint: fingerprint)
        let deadline = Deadline(after: options.budget, from: started)
        if options.mode == .plan {
            var config = options.analysis
            config.callsWebhooks = false
            let analyzer = Analyzer(
                client: environment.http, configuration: config,
                objects: ObjectListAnalysisObjects(objects: snapshot.analysisObjects), deadline: deadline, logger: logger)
            works = await context.replan(works, probe: analyzer)
            report.timings["plan"] = seconds(since: t)
            remember(works)
            report.canaries = works.map(\.outcome)
            finish(&report)
            environment.keepUntilExit?(Leftovers(snapshot: snapshot, works: works, syncPlan: syncPlan, transient: transient))
            return report
        }
        report.timings["plan"] = seconds(since: t)

        let anyWrites = syncPlan.hasWrites || works.contains { $0.needsWrite }
        guard anyWrites else {
            logger.info("nothing to write: no Lease taken")
            remember(works)
            report.canaries = works.map(\.outcome)
            finish(&report)
            environment.keepUntilExit?(Leftovers(snapshot: snapshot, works: works, syncPlan: syncPlan, transient: transient))
            return report
        }

        transient = nil

        // 4. The Lease of this shard.
        let lease: LeaseHandle
        do {
            try await ensureNamespace(options.systemNamespace)
            let lock = LeaseLock(client: client, namespace: options.systemNamespace, name: options.shard.leaseName,
                                 identity: options.identity, duration: options.leaseDuration, logger: logger)
            switch try await lock.acquire(waitingUpTo: options.leaseWait) {
            case .acquired(let handle):
                lease = handle
            case .heldBy(let holder, _):
                report.leaseHeldBy = holder
                report.canaries = works.map(\.outcome)
                finish(&report)
                return report
            }
        } catch {
            report.errors.append("lease: \(error.description)")
            finish(&report)
            return report
        }
        report.leaseTaken = true

        // 5. Apply: the sync first, then the canaries (planned again, now with the real probe). The first observation
        // is dropped now (the canaries are observed again below), so that it is not held through the sync's writes
        // and two copies of the cluster's objects are never held at once.
        snapshot = ClusterSnapshot()
        works = []
        t = ContinuousClock.now
        if syncPlan.hasWrites {
            let applier = SyncApplier(client: client, options: SyncApplierOptions(definitionTimeout: options.definitionTimeout), logger: logger)
            report.changeSet = await applier.apply(syncPlan, sync: syncOptions)
        }
        // Observe the canaries again under the Lease: the sync may have changed them, and a run that held the Lease
        // before this one may have advanced them (its step must not be taken twice).
        do {
            snapshot = try await observer.observe(namespaces: namespaces, selector: options.selector, shard: options.shard, settings: options.planner)
            works = await context.precheck(snapshot, memo: memo, fingerprint: fingerprint)
        } catch {
            report.errors.append("observe canaries under the Lease: \(error.description)")
            works = []
        }
        let analyzer = Analyzer(
            client: environment.http, configuration: options.analysis,
            objects: ObjectListAnalysisObjects(objects: snapshot.analysisObjects), deadline: deadline, logger: logger)
        let executor = CanaryPlanExecutor(client: client, logger: logger)
        let effects = CanaryEffects(client: client, analyzer: analyzer, logger: logger)
        let snap = snapshot
        works = await boundedMap(works, limit: options.concurrency) { work in
            var w = work
            guard w.needsWrite, let input = w.input, let canary = w.canary else { return w }
            if lease.isLost {
                w.outcome.skipped = "not applied: the Lease was lost to another run"
                return w
            }
            let plan = await Planner.plan(input, probe: analyzer)
            w.outcome.plan = plan
            let execution = await executor.execute(plan, canary: w.json) { ref in snap.object(ref) }
            // The Canary read back from the status write is only for the check below: not kept for every canary.
            var kept = execution
            kept.canaryAfter = nil
            w.outcome.execution = kept
            if let error = execution.error { w.outcome.error = error }
            if execution.statusWritten {
                w.outcome.status = plan.statusUpdate
                if let written = plan.statusUpdate, let back = execution.canaryAfter,
                   let advice = CRDCompatibility.advice(missing: CRDCompatibility.missingStatusFields(written: written, readBack: back)) {
                    w.outcome.warnings.append(advice)
                    logger.warning("\(advice)")
                }
                let problems = await effects.run(plan, canary: canary, revision: revision.commit, now: now)
                if !problems.isEmpty { logger.warning("\(canary.name): \(problems.count) effect(s) failed") }
                w.outcome.warnings += problems
            }
            return w
        }
        report.timings["apply"] = seconds(since: t)
        _ = await lease.release()
        remember(works)
        report.canaries = works.map(\.outcome)
        finish(&report)
        // (`transient` was dropped before the writes: passed so that a test sees it was.)
        environment.keepUntilExit?(Leftovers(snapshot: snapshot, works: works, syncPlan: syncPlan, transient: transient))
        return report
    }

    /// Kinds a canary's plan reads that Git usually declares too (targets, autoscalers, tracked ConfigMaps, Services).
    static let sharedKinds: Set<String> = ["Deployment", "DaemonSet", "HorizontalPodAutoscaler", "ConfigMap", "Service"]

    /// What a run hands to ``ReconcileEnvironment/keepUntilExit`` when it ends.
    struct Leftovers: Sendable {
        var snapshot: ClusterSnapshot
        var works: [CanaryWork]
        var syncPlan: SyncPlan
        var transient: Transient?
    }

    /// What the observation read and worked out on the way to the plans (see ``run(_:)``).
    struct Transient: Sendable {
        var prefetched: SyncObserver.PrefetchedReads?
        var input: SyncInput?
        var manifests: [Manifest] = []
    }

    /// The namespaces whose canaries this run handles: `nil` (all) with `-A`; the `--namespace` given; else those of
    /// the Canaries declared in Git, or the default namespace when Git declares none.
    func canaryNamespaces(_ options: ReconcileOptions, manifests: [Manifest]) -> [String]? {
        if options.allNamespaces { return nil }
        if let ns = options.namespace { return [ns] }
        let fromGit = Set(manifests.filter { $0.kind == Canary.kind }.map { $0.ref.namespace.isEmpty ? options.defaultNamespace : $0.ref.namespace })
        return fromGit.isEmpty ? [options.defaultNamespace] : fromGit.sorted()
    }

    /// Creates the system namespace (Lease and inventory) when missing; one GET otherwise.
    func ensureNamespace(_ name: String) async throws(KubeAPIError) {
        do {
            _ = try await environment.client.get(BuiltinResources.namespaces, name: name)
        } catch where error.isNotFound {
            let ns: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            do {
                _ = try await environment.client.create(BuiltinResources.namespaces, object: ns)
            } catch where error.reason == "AlreadyExists" {
                return
            }
        }
    }
}
