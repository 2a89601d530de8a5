import Foundation
import KubeAPI
import Planner
import Resources

/// A small "apply the plan" loop against a Sandbox for the provider scenarios: reads the objects a plan
/// depends on (plus every object an earlier plan wrote), plans with a scripted probe, server-side applies the
/// writes with KubeClient, and keeps the Canary and its status in memory (so no Canary CRD is needed).
/// Every applied object is compared with what the server stored: a pruned field is recorded in `pruned`.
public final class SandboxPlanExecutor: @unchecked Sendable {
    /// The client talking to the Sandbox.
    public let client: KubeClient
    /// The Canary (status updated after each run).
    public var canary: Canary
    /// The clock of the next run.
    public var now: Date
    /// The probe.
    public let probe = ScriptedProbe()
    /// Settings.
    public var settings = PlannerSettings()
    /// Refs written so far (read back on every run).
    public private(set) var written: Set<ObjectRef> = []
    /// Fields sent but missing from the stored object (`<ref>: <path>`).
    public private(set) var pruned: [String] = []
    /// HTTP failures of writes (`<ref>: <error>`).
    public private(set) var failures: [String] = []
    /// Every plan so far.
    public private(set) var plans: [CanaryPlan] = []

    /// An executor for a Sandbox harness.
    public init(harness: SandboxHarness, canary: Canary, now: Date = PlannerFixtures.epoch) throws {
        let configuration = try KubeConfigLoader(.init(kubeconfig: harness.kubeconfig, homeDirectory: harness.directory)).load()
        self.client = KubeClient(configuration: configuration, http: try CurlHTTPClient())
        self.canary = canary
        self.now = now
    }

    /// Creates or replaces an object (server-side apply, forced).
    public func put(_ object: JSONValue) async throws {
        let m = Manifest(object: object)
        let mapping = try await client.mapping(apiVersion: m.apiVersion, kind: m.kind)
        _ = try await client.patch(mapping, namespace: mapping.namespaced ? m.namespace : nil, name: m.name,
                                   patch: .apply(object, fieldManager: "test", force: true))
    }

    /// Changes the first container's image of a stored workload (an update of what is stored, as a user's
    /// `kubectl set image`: other fields, such as the parked replica count, stay as they are).
    public func setImage(_ kind: String, _ name: String, _ image: String) async throws {
        let mapping = try await client.mapping(apiVersion: "apps/v1", kind: kind)
        var o = try await client.get(mapping, namespace: "default", name: name)
        var containers = o["spec", "template", "spec", "containers"]?.arrayValue ?? []
        guard !containers.isEmpty else { return }
        containers[0]["image"] = .string(image)
        o.set(.array(containers), at: ["spec", "template", "spec", "containers"])
        _ = try await client.update(mapping, namespace: "default", name: name, object: o)
    }

    /// Reads an object, or nil.
    public func get(_ apiVersion: String, _ kind: String, _ name: String, namespace: String = "default") async -> JSONValue? {
        guard let mapping = try? await client.mapping(apiVersion: apiVersion, kind: kind) else { return nil }
        return try? await client.get(mapping, namespace: mapping.namespaced ? namespace : nil, name: name)
    }

    /// Plans once and applies the plan; advances the clock by the analysis interval.
    @discardableResult
    public func run() async -> CanaryPlan {
        var observed: [ObjectRef: JSONValue] = [:]
        let targetRef = PlanDependencies.refs(of: canary, target: nil, settings: settings)[0]
        let target = await get(targetRef.apiVersion, targetRef.kind, targetRef.name, namespace: targetRef.namespace)
        let refs = Set(PlanDependencies.refs(of: canary, target: target, settings: settings)).union(written)
        for ref in refs {
            if let o = await get(ref.apiVersion, ref.kind, ref.name, namespace: ref.namespace.isEmpty ? "default" : ref.namespace) {
                observed[Manifest(object: o).ref] = o
            }
        }
        let input = PlanInput(canary: canary, observed: observed, now: now, revision: GitRevision(commit: PlannerFixtures.commitA),
                              settings: settings, random: PlannerFixtures.random)
        let plan = await Planner.plan(input, probe: probe)
        for w in plan.writes { await apply(w.action) }
        if let s = plan.statusUpdate { canary.status = s }
        if let f = plan.writes.compactMap({ w -> [String]? in
            if case .patch(let ref, let p) = w.action, ref.kind == "Canary" { return p["metadata", "finalizers"]?.arrayValue?.compactMap(\.stringValue) }
            return nil
        }).last { canary.metadata.finalizers = f }
        plans.append(plan)
        now = now.addingTimeInterval(canary.intervalSeconds)
        return plan
    }

    func apply(_ action: PlannedWrite.Action) async {
        do {
            switch action {
            case .apply(let object):
                let m = Manifest(object: object)
                let mapping = try await client.mapping(apiVersion: m.apiVersion, kind: m.kind)
                let ns = mapping.namespaced ? m.namespace : nil
                let stored = try await client.patch(mapping, namespace: ns, name: m.name,
                                                    patch: .apply(object, fieldManager: "gitcanary-rollout", force: true))
                written.insert(m.ref)
                for path in Self.missing(object, in: stored, path: "") where !path.hasPrefix(".status") {
                    pruned.append("\(m.ref): \(path)")
                }
            case .patch(let ref, let patch):
                guard ref.kind != "Canary" else { return }
                let mapping = try await client.mapping(apiVersion: ref.apiVersion, kind: ref.kind)
                _ = try await client.patch(mapping, namespace: mapping.namespaced ? ref.namespace : nil, name: ref.name,
                                           patch: .merge(patch))
            case .delete(let ref):
                let mapping = try await client.mapping(apiVersion: ref.apiVersion, kind: ref.kind)
                try await client.delete(mapping, namespace: mapping.namespaced ? ref.namespace : nil, name: ref.name)
            }
        } catch {
            failures.append("\(action): \(error)")
        }
    }

    /// Paths present in `sent` but absent (or different scalars) in `stored`.
    static func missing(_ sent: JSONValue, in stored: JSONValue?, path: String) -> [String] {
        switch sent {
        case .object(let o):
            return o.keys.flatMap { k in missing(o[k] ?? .null, in: stored?[k], path: path + "." + k) }
        case .array(let a):
            let s = stored?.arrayValue ?? []
            guard s.count == a.count else { return [path + " (\(a.count) items sent, \(s.count) stored)"] }
            return a.indices.flatMap { missing(a[$0], in: s[$0], path: path + "[\($0)]") }
        default:
            guard let stored else { return [path] }
            if sent == stored { return [] }
            // Numbers may come back as another JSON number type; compare their text.
            return JSONWriter.string(sent) == JSONWriter.string(stored) ? [] : [path + " (sent \(sent), stored \(stored))"]
        }
    }
}
