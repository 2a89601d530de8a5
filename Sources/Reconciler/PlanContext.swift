import Applier
import Foundation
import Planner
import Resources

/// One canary on its way through a run.
struct CanaryWork: Sendable {
    /// The Canary as observed.
    var json: JSONValue
    /// Decoded (nil when it does not decode: reported as an error).
    var canary: Canary? {
        get { decoded?.canary }
        set { decoded = newValue.map(DecodedCanary.init) }
    }
    /// `canary`, boxed: a decoded Canary has dozens of fields, and the works of a thousand canaries are copied
    /// between tasks and arrays several times a run.
    private var decoded: DecodedCanary?
    /// The planner's input (nil when the canary cannot be planned this run).
    var input: PlanInput?
    /// Whether the run has to write for it: it is due, or a generated object drifted.
    var needsWrite = false
    /// What is reported.
    var outcome: CanaryOutcome
    /// The fingerprint of what its plan reads (``PlanFingerprint``; nil without a plan memo).
    var fingerprint: String?
    /// Whether the plan is the one remembered (``PlanMemo``) rather than planned this run.
    var reused = false

    init(json: JSONValue, canary: Canary? = nil, outcome: CanaryOutcome) {
        self.json = json
        self.outcome = outcome
        self.canary = canary
    }

    private final class DecodedCanary: Sendable {
        let canary: Canary
        init(_ canary: Canary) { self.canary = canary }
    }
}

/// The per-run inputs of canary planning, shared by the due check and the real plans.
struct PlanContext: Sendable {
    let options: ReconcileOptions
    let revision: GitRevision
    let now: Date
    let syncPlan: SyncPlan
    let observer: CanaryObserver
    let namespaces: [String]?
    /// The replicas Git declares, by kind, namespace and name (``SyncPlan/gitReplicas`` without the API group, as
    /// a canary's target is found by kind and name).
    private let replicasByTarget: [TargetKey: Int64]

    private struct TargetKey: Hashable {
        var kind: String
        var namespace: String
        var name: String
    }

    init(options: ReconcileOptions, revision: GitRevision, now: Date, syncPlan: SyncPlan, observer: CanaryObserver, namespaces: [String]?) {
        self.options = options
        self.revision = revision
        self.now = now
        self.syncPlan = syncPlan
        self.observer = observer
        self.namespaces = namespaces
        // When two groups declare one kind and name, the first key in order wins, so the choice is the same every run
        // (the smallest key kept as we go: sorting a thousand keys cost more than the rest of this).
        var byTarget: [TargetKey: (key: SyncKey, replicas: Int64)] = [:]
        byTarget.reserveCapacity(syncPlan.gitReplicas.count)
        for (k, v) in syncPlan.gitReplicas {
            let key = TargetKey(kind: k.kind, namespace: k.namespace, name: k.name)
            if let kept = byTarget[key], kept.key < k { continue }
            byTarget[key] = (k, v)
        }
        replicasByTarget = byTarget.mapValues(\.replicas)
    }

    /// Phases in which a canary is "in an analysis" for `--max-progressing`.
    static let activePhases: Set<CanaryPhase> = [.progressing, .waitingPromotion, .promoting, .finalising]

    /// Plans every canary with ``DueProbe`` (no I/O) and decides which need writes; applies `--max-progressing`.
    /// With a `memo`, a canary whose fingerprint is the one remembered is not planned: its idle decision is reused.
    func precheck(_ snap: ClusterSnapshot, memo: PlanMemo? = nil, fingerprint: PlanFingerprint? = nil) async -> [CanaryWork] {
        var grouped: [String: [(ClusterSnapshot.ObjectKey, JSONValue)]] = [:]
        for (k, v) in snap.objects { grouped[k.namespace, default: []].append((k, v)) }
        // One index per namespace, shared by its canaries (an index per canary would make planning quadratic); built
        // only for namespaces with a canary to plan.
        var observedByNamespace: [String: ([ObjectRef: JSONValue], ObservedIndex)] = [:]
        func observed(_ namespace: String) -> ([ObjectRef: JSONValue], ObservedIndex) {
            if let o = observedByNamespace[namespace] { return o }
            var map: [ObjectRef: JSONValue] = [:]
            let objects = grouped[namespace] ?? []
            map.reserveCapacity(objects.count)
            // The snapshot's objects are typed (apiVersion and kind set from their LIST) and keyed by namespace and name.
            for (k, v) in objects {
                map[ObjectRef(apiVersion: v["apiVersion"]?.stringValue ?? "", kind: k.kind, namespace: k.namespace, name: k.name)] = v
            }
            let o = (map, ObservedIndex(map))
            observedByNamespace[namespace] = o
            return o
        }
        // The namespaces' digests, on every core (ten thousand objects' identities, sorted and hashed).
        var namespaceDigests: [String: [UInt8]?] = [:]
        if fingerprint != nil {
            let namespaces = Array(Set(snap.decodedCanaries.compactMap { $0?.namespace }))
            let snapshotGroups = grouped
            let digests = await boundedMap(namespaces, limit: ProcessInfo.processInfo.activeProcessorCount) { ns in
                PlanFingerprint.namespace(snapshotGroups[ns] ?? [])
            }
            for (ns, d) in zip(namespaces, digests) { namespaceDigests[ns] = .some(d) }
        }
        // Each canary's outcome, fingerprint and reuse, on every core; the ones to plan get their input after, as
        // the namespaces' indexes are built once each.
        let pairs = Array(zip(snap.canaries, snap.decodedCanaries))
        let digests = namespaceDigests
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = max(32, (pairs.count + 4 * cores - 1) / (4 * cores))
        let triaged = await boundedMap(Array(stride(from: 0, to: pairs.count, by: chunk)), limit: cores) { start in
            pairs[start..<min(start + chunk, pairs.count)].map { json, decoded in
                self.triage(json, decoded, snap: snap, memo: memo, fingerprint: fingerprint, digests: digests)
            }
        }
        var works = triaged.flatMap { $0.map(\.0) }
        for (i, toPlan) in triaged.joined().map(\.1).enumerated() {
            guard toPlan, let canary = works[i].canary else { continue }
            let (map, index) = observed(canary.namespace)
            var input = PlanInput(
                canary: canary, observed: map, index: index, now: now, revision: revision,
                settings: options.planner, random: Self.random())
            input.targetReplicasFromGit = gitReplicas(of: canary)
            works[i].input = input
        }
        // Only the canaries with an input are planned (a task each: reused and unplannable ones need none).
        let planned = works.indices.filter { works[$0].input != nil }
        let plannedWorks = await boundedMap(planned.map { works[$0] }, limit: options.concurrency) { w in
            var w = w
            guard let input = w.input else { return w }
            let plan = await Planner.plan(input, probe: DueProbe())
            w.outcome.plan = plan
            w.needsWrite = !plan.changes.isEmpty || plan.statusUpdate != nil || !plan.events.isEmpty || !plan.alerts.isEmpty
                || plan.writes.contains { CanaryPlanExecutor.assertNeeded($0, live: snap.object($0.ref)) }
            return w
        }
        for (i, w) in zip(planned, plannedWorks) { works[i] = w }
        return limit(works, snap)
    }

    /// One canary before planning: its outcome so far and whether it is to be planned (`false`: it does not decode,
    /// something it depends on could not be read, or its remembered plan is reused).
    private func triage(
        _ json: JSONValue, _ decoded: Canary?, snap: ClusterSnapshot, memo: PlanMemo?, fingerprint: PlanFingerprint?,
        digests: [String: [UInt8]?]
    ) -> (CanaryWork, Bool) {
        let m = Manifest(object: json)
        var outcome = CanaryOutcome(ref: m.ref)
        guard let canary = decoded else {
            do { _ = try Canary(json: json) } catch { outcome.error = "\(m.ref) does not decode: \(error)" }
            return (CanaryWork(json: json, outcome: outcome), false)
        }
        outcome.phaseBefore = canary.status?.phase ?? .none
        outcome.weightBefore = canary.status?.canaryWeight ?? 0
        outcome.status = canary.status
        outcome.threshold = canary.effectiveThreshold
        outcome.intervalSeconds = canary.intervalSeconds
        var work = CanaryWork(json: json, canary: canary, outcome: outcome)
        // (When every LIST succeeded, nothing a canary depends on failed: its dependencies are not worked out.)
        let target = snap.failed.isEmpty ? nil : snap.objects[.init(kind: canary.targetKind, namespace: canary.namespace, name: canary.targetName)]
        let failed = snap.failed.isEmpty ? [] : observer.dependencies(of: canary, target: target, namespaces: namespaces, settings: options.planner)
            .compactMap { s in snap.failed[s].map { "\(s): \($0)" } }
        if !failed.isEmpty {
            work.outcome.error = "not planned: could not read \(failed.joined(separator: "; "))"
            return (work, false)
        }
        if let fingerprint, let d = digests[canary.namespace] ?? nil {
            work.fingerprint = fingerprint.canary(json, namespace: d, gitReplicas: gitReplicas(of: canary))
            if let f = work.fingerprint, let entry = memo?.entries[PlanMemo.key(canary.namespace, canary.name)], entry.fingerprint == f {
                var plan = CanaryPlan(canary: m.ref, decision: entry.decision)
                plan.idle = true
                work.outcome.plan = plan
                work.reused = true
                return (work, false)
            }
        }
        return (work, true)
    }

    /// Plans the due canaries again with the given probe (the read-only analyzer of `plan`).
    func replan(_ works: [CanaryWork], probe: any AnalysisProbe) async -> [CanaryWork] {
        await boundedMap(works, limit: options.concurrency) { w in
            var w = w
            guard w.needsWrite, let input = w.input else { return w }
            w.outcome.plan = await Planner.plan(input, probe: probe)
            w.outcome.status = w.outcome.plan?.statusUpdate ?? w.outcome.status
            return w
        }
    }

    /// `--max-progressing N`: a canary that would start an analysis waits while N canaries (counted over every
    /// observed Canary, so approximate across shards) are already in one.
    func limit(_ works: [CanaryWork], _ snap: ClusterSnapshot) -> [CanaryWork] {
        guard let max = options.maxProgressing else { return works }
        var active = snap.allCanaries.filter { c in
            CanaryPhase(rawValue: c["status", "phase"]?.stringValue ?? "").map { Self.activePhases.contains($0) } ?? false
        }.count
        return works.map { w in
            var w = w
            guard w.needsWrite, !Self.activePhases.contains(w.outcome.phaseBefore),
                  let next = w.outcome.plan?.statusUpdate?.phase, Self.activePhases.contains(next) else { return w }
            if active < max {
                active += 1
                return w
            }
            w.needsWrite = false
            w.outcome.skipped = "waiting: --max-progressing \(max) reached (\(active) canaries in analysis); starts when one finishes"
            return w
        }
    }

    /// The replica count Git declares for the canary's target.
    func gitReplicas(of canary: Canary) -> Int? {
        replicasByTarget[TargetKey(kind: canary.targetKind, namespace: canary.namespace, name: canary.targetName)].map { Int($0) }
    }

    /// Fresh random strings for the planner (a flagger-id and two cookies).
    static func random() -> RandomValues {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        // Ten letters from one draw uniform over 26^10 values (so every letter is uniform), instead of a system
        // random call per letter.
        func word() -> String {
            var n = UInt64.random(in: 0..<141_167_095_653_376)  // 26^10
            var out = ""
            for _ in 0..<10 {
                out.append(letters[Int(n % 26)])
                n /= 26
            }
            return out
        }
        return RandomValues(flaggerID: UUID().uuidString.lowercased(), canaryCookie: word(), primaryCookie: word())
    }
}

extension ClusterSnapshot {
    /// MetricTemplates, AlertProviders and Secrets for the analysis, and Knative Services (whose latest created
    /// revision the builtin knative queries name).
    var analysisObjects: [JSONValue] {
        objects.filter {
            ["MetricTemplate", "AlertProvider", "Secret"].contains($0.key.kind)
                || ($0.key.kind == "Service" && $0.value["apiVersion"]?.stringValue?.hasPrefix("serving.knative.dev/") == true)
        }.map(\.value)
    }
}

extension ClusterSnapshot {
    /// Lays the sync's applied bodies over the observed objects (objects merged key by key, everything else
    /// replaced), so `plan` shows each canary's next step as it will be once Git is synced.
    mutating func overlay(_ plan: SyncPlan) {
        for entry in plan.entries {
            guard case .apply(let body) = entry.action else { continue }
            let key = ObjectKey(entry.ref)
            if let live = objects[key] {
                objects[key] = Self.merge(live, body)
            }
            if entry.ref.kind == Canary.kind, let i = canaries.firstIndex(where: { Manifest(object: $0).ref.name == entry.ref.name && Manifest(object: $0).ref.namespace == entry.ref.namespace }) {
                replaceCanary(at: i, with: Self.merge(canaries[i], body))
            }
        }
    }

    static func merge(_ base: JSONValue, _ over: JSONValue) -> JSONValue {
        guard case .object(let o) = over, case .object = base else { return over }
        var out = base
        for (k, v) in o { out[k] = merge(base[k] ?? .null, v) }
        return out
    }
}
