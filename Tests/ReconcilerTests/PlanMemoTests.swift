import Foundation
import Reconciler
import Resources
import TestSupport
import Testing

/// The memo of verified work (idle canaries' plans, objects the sync found unchanged): reused only while nothing it
/// was computed from changed. Drift is made with kubectl, an independent client.
@Suite("Plan memo")
struct PlanMemoTests {
    typealias World = ReconcilerRunTests.World

    static func location(_ w: World) -> PlanMemoLocation {
        PlanMemoLocation(directory: w.cache + "/memo", name: "test", salt: "test-1")
    }

    /// Two canaries initialized with the memo, then run until the memo is warm: the last run's report reuses both plans.
    static func warmWorld() async throws -> (World, PlanMemoLocation, RunReport) {
        let w = try World()
        let memo = location(w)
        try await w.initialize(memo: memo)
        _ = try await w.run(memo: memo)
        let (warm, _) = try await w.run(memo: memo)
        #expect(warm.reusedPlans == 2)
        return (w, memo, warm)
    }

    static func decisions(_ r: RunReport) -> [String: String] {
        Dictionary(uniqueKeysWithValues: r.canaries.map { ($0.ref.name, $0.decision) })
    }

    @Test("a no-op run reuses the idle plans and the verified objects, and decides exactly what a full run decides")
    func noOpReuses() async throws {
        let w = try World()
        defer { w.harness.stop() }
        let memo = Self.location(w)
        try await w.initialize(memo: memo)
        w.harness.sandbox.advanceClock(by: 60)
        let (first, _) = try await w.run(memo: memo)
        let (full, _) = try await w.run()
        w.harness.sandbox.resetRequestCounts()
        let (reused, _) = try await w.run(memo: memo)
        #expect(reused.errors.isEmpty, "\(reused.errors)")
        let counts = w.harness.sandbox.requestCounts
        #expect(counts.mutating == 0)
        // The LISTs were made while Git was read (the last run's), still one per kind and namespace.
        #expect(reused.prefetchedReads >= 5, "\(reused.prefetchedReads)")
        #expect(full.prefetchedReads == 0)
        let lists = counts.byResource.compactMapValues { $0["list"] }
        #expect(lists.values.allSatisfy { $0 <= 1 }, "\(lists)")
        #expect(lists["services"] == 1 && lists["deployments.apps"] == 1, "\(lists)")
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(reused.reusedPlans == 2)
        // Every object of Git: the namespace, two Deployments, two Canaries, the CRDs.
        #expect(reused.reusedObjects == reused.syncPlan?.unchangedCount)
        #expect((reused.syncPlan?.unchangedCount ?? 0) >= 5)
        #expect(full.reusedPlans == 0 && full.reusedObjects == 0)
        #expect(Self.decisions(reused) == Self.decisions(full))
        #expect(Self.decisions(reused)["a"]?.hasPrefix("idle: Initialized") == true)
        #expect(w.phases(reused) == ["a": "Initialized", "b": "Initialized"])
        let doc = ReportJSON.document(reused)
        #expect(doc["reusedPlans"]?.intValue == 2)
        let text = ReportText.render(reused)
        #expect(text.contains("as verified by an earlier run"))
        #expect(text.contains("2 idle canaries' plans reused"))
    }

    @Test("a commit that changes nothing the canaries read (a ConfigMap in another namespace) keeps their plans reused")
    func unrelatedCommit() async throws {
        let (w, memo, warm) = try await Self.warmWorld()
        defer { w.harness.stop() }
        let other = "apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\ndata: {k: v}\n"
        try other.write(toFile: w.repo + "/other.yaml", atomically: true, encoding: .utf8)
        try w.commit()
        let (r, _) = try await w.run(memo: memo)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.changeSet?.entries.contains { $0.ref.kind == "ConfigMap" && $0.ref.namespace == "other" && $0.action != .unchanged } == true)
        #expect(r.revision?.commit != warm.revision?.commit)
        #expect(r.reusedPlans == 2)
        #expect(Self.decisions(r) == Self.decisions(warm))
    }

    @Test("`plan` with sync writes pending uses no memo: Git's bodies laid over the live objects keep their resourceVersions")
    func planModeWithPendingSync() async throws {
        let (w, memo, _) = try await Self.warmWorld()
        defer { w.harness.stop() }
        try w.changeImageOfA()
        w.harness.sandbox.resetRequestCounts()
        let (planned, _) = try await w.run(memo: memo) { $0.mode = .plan }
        #expect(planned.errors.isEmpty, "\(planned.errors)")
        #expect(planned.reusedPlans == 0)
        // What the next run will do: `a`'s new image starts an analysis (a reused plan would say "idle").
        #expect(Self.decisions(planned)["a"]?.hasPrefix("new revision") == true, "\(Self.decisions(planned))")
        #expect(w.harness.sandbox.requestCounts.mutating == 0)
    }

    @Test("early LISTs: a read Git no longer needs is made but not used; a needed read that was not made early is made after Git")
    func staleEarlyReads() async throws {
        let (w, memo, warm) = try await Self.warmWorld()
        defer { w.harness.stop() }
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: memo.directory).first { $0.hasSuffix(".reads") })
        let path = memo.directory + "/" + file
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.contains("u|v1|Service|mp"), "\(lines)")
        // The Services' read is dropped, a read of ConfigMaps in a namespace nobody uses is added.
        let edited = lines.filter { $0 != "u|v1|Service|mp" } + ["u|v1|ConfigMap|ghost"]
        try (edited.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        w.harness.sandbox.resetRequestCounts()
        let (r, _) = try await w.run(memo: memo)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(Self.decisions(r) == Self.decisions(warm))
        #expect(r.reusedPlans == 2)
        #expect(r.prefetchedReads == warm.prefetchedReads)
        let lists = w.harness.sandbox.requestCounts.byResource.compactMapValues { $0["list"] }
        #expect(lists["services"] == 1, "\(lists)")
        // The file is written again as this run read: the Services back, the unused read gone.
        let rewritten = try String(contentsOfFile: path, encoding: .utf8)
        #expect(rewritten.contains("u|v1|Service|mp") && !rewritten.contains("ghost"), "\(rewritten)")
    }

    @Test("a generated object changed or deleted behind the run's back is repaired: the namespace's fingerprint changed",
          .enabled(if: KubectlTool.detect() != nil, "kubectl is not installed"))
    func generatedDriftRepaired() async throws {
        let kubectl = try #require(KubectlTool.detect())
        let (w, memo, _) = try await Self.warmWorld()
        defer { w.harness.stop() }
        // Changed (same names, a new resourceVersion), then deleted.
        let selector = #"{"spec":{"selector":{"app":"elsewhere"}}}"#
        let patched = try w.harness.kubectl(kubectl, ["-n", "mp", "patch", "service", "a-canary", "--type", "merge", "-p", selector])
        #expect(patched.status == 0, "\(patched.stderr)")
        let (repaired, _) = try await w.run(memo: memo)
        #expect(repaired.errors.isEmpty, "\(repaired.errors)")
        #expect(repaired.reusedPlans == 0)
        let patchedBack = try w.harness.kubectl(kubectl, ["-n", "mp", "get", "service", "a-canary", "-o", "jsonpath={.spec.selector.app}"])
        #expect(patchedBack.stdout == "a-canary" || patchedBack.stdout == "a", "\(patchedBack.stdout) \(patchedBack.stderr)")
        #expect(patchedBack.stdout != "elsewhere")
        _ = try await w.run(memo: memo)
        let deleted = try w.harness.kubectl(kubectl, ["-n", "mp", "delete", "service", "a-canary"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let (r, _) = try await w.run(memo: memo)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.reusedPlans == 0)
        let get = try w.harness.kubectl(kubectl, ["-n", "mp", "get", "service", "a-canary", "-o", "name"])
        #expect(get.status == 0 && get.stdout.contains("service/a-canary"), "\(get.stderr)")
        // Converged again: the next run plans both canaries once more (the repair changed their namespace after
        // they were planned), and the one after reuses both plans.
        let (replanned, _) = try await w.run(memo: memo)
        #expect(replanned.reusedPlans == 0)
        let (after, _) = try await w.run(memo: memo)
        #expect(after.reusedPlans == 2)
    }

    @Test("an object of Git edited behind the run's back is applied again: its resourceVersion changed",
          .enabled(if: KubectlTool.detect() != nil, "kubectl is not installed"))
    func gitDriftRepaired() async throws {
        let kubectl = try #require(KubectlTool.detect())
        let (w, memo, warm) = try await Self.warmWorld()
        defer { w.harness.stop() }
        let verified = warm.reusedObjects
        #expect(verified >= 5)
        let patch = #"{"metadata":{"labels":{"team":"edited"}}}"#
        let patched = try w.harness.kubectl(kubectl, ["-n", "mp", "patch", "deployment", "b", "--type", "merge", "-p", patch])
        #expect(patched.status == 0, "\(patched.stderr)")
        // A label Git does not declare is not drift (as with kubectl apply): still unchanged, but compared again.
        let (extra, _) = try await w.run(memo: memo)
        #expect(extra.reusedObjects == verified - 1)
        #expect(extra.changeSet == nil)
        // A field Git declares is drift: applied again.
        let image = #"{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"example/b:edited"}]}}}}"#
        let edited = try w.harness.kubectl(kubectl, ["-n", "mp", "patch", "deployment", "b", "--type", "merge", "-p", image])
        #expect(edited.status == 0, "\(edited.stderr)")
        let (r, _) = try await w.run(memo: memo)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.changeSet?.entries.contains { $0.ref.kind == "Deployment" && $0.ref.name == "b" && $0.action != .unchanged } == true)
        let get = try w.harness.kubectl(kubectl, ["-n", "mp", "get", "deployment", "b", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])
        #expect(get.stdout == "example/b:v1", "\(get.stdout) \(get.stderr)")
    }

    @Test("an autoscaler's status updates (its controller's churn) keep the plans reused; a change of its spec plans them again",
          .enabled(if: KubectlTool.detect() != nil, "kubectl is not installed"))
    func autoscalerStatusChurn() async throws {
        let kubectl = try #require(KubectlTool.detect())
        let w = try World()
        defer { w.harness.stop() }
        // Canary `a` gets an HPA.
        var yaml = try String(contentsOfFile: w.repo + "/apps.yaml", encoding: .utf8)
        yaml = yaml.replacingOccurrences(
            of: "targetRef: {apiVersion: apps/v1, kind: Deployment, name: a}",
            with: "targetRef: {apiVersion: apps/v1, kind: Deployment, name: a}\n  autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: a}")
        yaml += """
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: a, namespace: mp}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}
              minReplicas: 1
              maxReplicas: 3

            """
        try yaml.write(toFile: w.repo + "/apps.yaml", atomically: true, encoding: .utf8)
        try w.commit()
        let memo = Self.location(w)
        try await w.initialize(memo: memo)
        _ = try await w.run(memo: memo)
        let (warm, _) = try await w.run(memo: memo)
        #expect(warm.errors.isEmpty, "\(warm.errors)")
        #expect(warm.reusedPlans == 2)
        let primary = try w.harness.kubectl(kubectl, ["-n", "mp", "get", "hpa", "a-primary", "-o", "name"])
        #expect(primary.status == 0, "the primary autoscaler was not created: \(primary.stderr)")

        // The HPA controller's status updates: new resourceVersions, same spec.
        for (name, replicas) in [("a", 2), ("a-primary", 3)] {
            let before = try w.harness.kubectl(kubectl, ["-n", "mp", "get", "hpa", name, "-o", "jsonpath={.metadata.resourceVersion}"])
            let status = #"{"status":{"currentReplicas":1,"desiredReplicas":\#(replicas),"currentMetrics":[]}}"#
            let patched = try w.harness.kubectl(kubectl, ["-n", "mp", "patch", "hpa", name, "--subresource=status", "--type", "merge", "-p", status])
            #expect(patched.status == 0, "\(patched.stderr)")
            let after = try w.harness.kubectl(kubectl, ["-n", "mp", "get", "hpa", name, "-o", "jsonpath={.metadata.resourceVersion} {.status.desiredReplicas}"])
            #expect(after.stdout != before.stdout && after.stdout.hasSuffix(" \(replicas)"), "\(before.stdout) -> \(after.stdout)")
        }
        let (churned, _) = try await w.run(memo: memo)
        #expect(churned.errors.isEmpty, "\(churned.errors)")
        #expect(churned.reusedPlans == 2)

        // A change of the generated autoscaler's spec is seen: both canaries of the namespace are planned again.
        let spec = try w.harness.kubectl(kubectl, ["-n", "mp", "patch", "hpa", "a-primary", "--type", "merge", "-p", #"{"spec":{"maxReplicas":7}}"#])
        #expect(spec.status == 0, "\(spec.stderr)")
        let (changed, _) = try await w.run(memo: memo)
        #expect(changed.errors.isEmpty, "\(changed.errors)")
        #expect(changed.reusedPlans == 0)
    }

    @Test("a canary in an analysis is planned every run; an unreadable memo is ignored and replaced")
    func activeCanaryAndDamagedMemo() async throws {
        let w = try World()
        defer { w.harness.stop() }
        let memo = Self.location(w)
        try await w.initialize(memo: memo)
        _ = try await w.run(memo: memo)
        try w.changeImageOfA()
        let (started, _) = try await w.run(memo: memo)
        #expect(w.phases(started)["a"] == "Progressing")
        // Not due yet (same minute): `a` is planned ("not due") every run. `b` is idle: planned once more (the last
        // run's writes changed its namespace), then reused while the namespace stays unchanged.
        _ = try await w.run(memo: memo)
        let (notDue, _) = try await w.run(memo: memo)
        #expect(Self.decisions(notDue)["a"]?.hasPrefix("not due") == true, "\(Self.decisions(notDue))")
        #expect(Self.decisions(notDue)["b"]?.hasPrefix("idle") == true, "\(Self.decisions(notDue))")
        #expect(notDue.reusedPlans == 1)
        // Damaged files: ignored (everything planned in full), then written again.
        for file in try FileManager.default.contentsOfDirectory(atPath: memo.directory) {
            try "{not a memo".write(toFile: memo.directory + "/" + file, atomically: true, encoding: .utf8)
        }
        let (damaged, _) = try await w.run(memo: memo)
        #expect(damaged.errors.isEmpty, "\(damaged.errors)")
        #expect(damaged.reusedPlans == 0 && damaged.reusedObjects == 0)
        #expect(Self.decisions(damaged) == Self.decisions(notDue))
        let (again, _) = try await w.run(memo: memo)
        #expect(again.reusedPlans == 1 && again.reusedObjects > 0)
    }
}
