import Foundation
import HTTPServer
import Resources
import Sandbox
import TestSupport
import Testing

/// The built binary against the in-process Sandbox: a whole release story, with request counting.
@Suite("reconcile end to end", .serialized)
struct ReconcileEndToEndTests {
    @Test("v1 initialized, plan is side-effect free, v2 promoted step by step, idle runs write nothing, v3 rolled back and not retried, --prune")
    func story() throws {
        let w = try E2EWorld()
        defer { w.stop() }
        let sandbox = w.harness.sandbox

        // v1: the first runs sync everything (CRDs first) and bootstrap the primary.
        let v1 = try w.reconcile(until: "Initialized")
        #expect(v1.last?.0 == "Initialized")
        #expect(try w.get("/apis/apps/v1/namespaces/demo/deployments/podinfo")["spec", "replicas"]?.intValue == 0)
        #expect(try w.get("/apis/apps/v1/namespaces/demo/deployments/podinfo-primary")["spec", "replicas"]?.intValue == 2)

        // Not due and nothing changed: no write request at all (not even the Lease).
        sandbox.resetRequestCounts()
        let idle = try w.run()
        #expect(sandbox.requestCounts.mutating == 0)
        #expect(idle["leaseTaken"]?.boolValue == false)

        // v2 in Git; `plan` shows it but writes nothing and calls no webhook.
        try w.edit("deployment.yaml", "podinfo:6.7.0", "podinfo:6.7.1")
        try w.edit("secret.yaml", "first-s3cret-value", "second-s3cret-value")
        try w.commit("v2")
        sandbox.resetRequestCounts()
        let loadtests = sandbox.loadtesterRecords.count
        let planText = try #require(try GitCanaryBinary.run(w.arguments("plan").map { $0 == "json" ? "text" : $0 }, in: w.dir.url))
        #expect(planText.status == 0)
        #expect(planText.stdout.contains("Secret/demo/creds configured") && planText.stdout.contains("(sensitive)"), "\(planText.stdout)")
        #expect(!(planText.stdout + planText.stderr).contains("s3cret"))
        #expect(planText.stdout.contains("Initialized → Progressing"))
        let plan = try w.run("plan")
        #expect(sandbox.requestCounts.mutating == 0)
        #expect(sandbox.loadtesterRecords.count == loadtests)
        let changes = plan["changes"]?.arrayValue ?? []
        #expect(changes.contains { $0["object"]?.stringValue == "Deployment/demo/podinfo" })
        #expect(plan["leaseTaken"]?.boolValue == false)

        // v2 promoted step by step.
        let v2 = try w.reconcile(until: "Succeeded")
        let progressingWeights = v2.filter { $0.0 == "Progressing" }.map(\.1)
        #expect(progressingWeights == [0, 10, 20, 30])
        #expect(v2.map(\.0).contains("Promoting") && v2.map(\.0).contains("Finalising"))
        #expect(sandbox.loadtesterRecords.count > loadtests)
        let primary = try w.get("/apis/apps/v1/namespaces/demo/deployments/podinfo-primary")
        #expect(primary["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue == "ghcr.io/stefanprodan/podinfo:6.7.1")
        #expect(primary["spec", "replicas"]?.intValue == 2)
        #expect(try w.get("/apis/apps/v1/namespaces/demo/deployments/podinfo")["spec", "replicas"]?.intValue == 0)
        for svc in ["podinfo", "podinfo-primary", "podinfo-canary"] {
            #expect(try w.status("/api/v1/namespaces/demo/services/\(svc)") == 200, "service \(svc)")
        }
        for dr in ["podinfo-primary", "podinfo-canary"] {
            #expect(try w.status("/apis/networking.istio.io/v1beta1/namespaces/demo/destinationrules/\(dr)") == 200, "destination rule \(dr)")
        }
        let vs = try w.get("/apis/networking.istio.io/v1beta1/namespaces/demo/virtualservices/podinfo")
        #expect(vs["spec", "http"]?.arrayValue?.first?["route"]?.arrayValue?.first?["weight"]?.intValue == 100)

        // A Git sync of an unchanged repository, a canary not due: no writes. Metrics to a file and a Pushgateway,
        // a Markdown summary.
        w.harness.sandbox.advanceClock(by: 60)
        let gateway = try AnalysisLoopbackReceiver(respond: { _, _ in .text("", status: 200) })
        defer { gateway.stop() }
        let metricsFile = w.dir.url.appendingPathComponent("metrics.prom").path
        let summaryFile = w.dir.url.appendingPathComponent("summary.md").path
        sandbox.resetRequestCounts()
        _ = try w.run("reconcile", ["--metrics-file", metricsFile, "--summary-file", summaryFile, "--pushgateway", gateway.baseURL])
        #expect(sandbox.requestCounts.mutating == 0)
        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        #expect(metrics.contains("flagger_canary_successes_total{name=\"podinfo\",namespace=\"demo\"} 1"))
        #expect(metrics.contains("flagger_canary_status{name=\"podinfo\",namespace=\"demo\"} 1"))
        #expect(metrics.contains("gitcanary_run_requests{verb=\"list\"}"))
        #expect(try String(contentsOfFile: summaryFile, encoding: .utf8).contains("| demo/podinfo | Succeeded |"))
        let pushed = try #require(gateway.requests.first)
        #expect(pushed.method == "PUT" && pushed.path == "/metrics/job/gitcanary/shard/0")
        #expect(pushed.bodyText.contains("flagger_canary_successes_total{name=\"podinfo\",namespace=\"demo\"} 1"))
        let events = try w.get("/api/v1/namespaces/demo/events")["items"]?.arrayValue ?? []
        #expect(events.contains { ($0["message"]?.stringValue ?? "").contains("Promotion completed") })

        // v3 with a bad success rate: rolled back, then not retried.
        try w.edit("deployment.yaml", "podinfo:6.7.1", "podinfo:6.7.2")
        try w.edit("deployment.yaml", "      labels:\n        app: podinfo\n    spec:",
                   "      labels:\n        app: podinfo\n      annotations:\n        sandbox.gitcanary.dev/success-rate: \"80\"\n    spec:")
        try w.commit("v3")
        let v3 = try w.reconcile(until: "Failed", extra: ["--fail-on-rollback"], lastStatus: 3)
        #expect(v3.last?.0 == "Failed")
        #expect(try w.get("/apis/apps/v1/namespaces/demo/deployments/podinfo-primary")["spec", "template", "spec", "containers"]?
            .arrayValue?.first?["image"]?.stringValue == "ghcr.io/stefanprodan/podinfo:6.7.1")
        w.harness.sandbox.advanceClock(by: 300)
        sandbox.resetRequestCounts()
        let after = try w.run()
        #expect(E2EWorld.canary(after)?.phase == "Failed")
        #expect(sandbox.requestCounts.mutating == 0)

        // --prune removes only what left Git.
        try FileManager.default.removeItem(at: w.repo.appendingPathComponent("extra.yaml"))
        try w.commit("drop extra")
        _ = try w.run("reconcile", ["--prune"])
        #expect(try w.status("/api/v1/namespaces/demo/configmaps/extra") == 404)
        #expect(try w.status("/apis/apps/v1/namespaces/demo/deployments/podinfo") == 200)
        #expect(try w.status("/apis/apps/v1/namespaces/demo/deployments/podinfo-primary") == 200)
    }

    @Test("two concurrent runs advance a canary once")
    func concurrentRuns() throws {
        let w = try E2EWorld()
        defer { w.stop() }
        _ = try w.reconcile(until: "Initialized")
        try w.edit("deployment.yaml", "podinfo:6.7.0", "podinfo:6.7.1")
        try w.commit("v2")
        _ = try w.reconcile(until: "Progressing")
        w.harness.sandbox.advanceClock(by: 60)
        let first = try w.run()
        #expect(E2EWorld.canary(first)?.weight == 10)
        w.harness.sandbox.advanceClock(by: 60)
        let args = w.arguments("reconcile")
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let r = try? GitCanaryBinary.run(args, in: w.dir.url)
            results.add(r?.status ?? -1)
        }
        #expect(results.all == [0, 0])
        let vs = try w.get("/apis/flagger.app/v1beta1/namespaces/demo/canaries/podinfo")
        #expect(vs["status", "canaryWeight"]?.intValue == 20)
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32] = []
    func add(_ v: Int32) { lock.lock(); values.append(v); lock.unlock() }
    var all: [Int32] { lock.lock(); defer { lock.unlock() }; return values.sorted() }
}
