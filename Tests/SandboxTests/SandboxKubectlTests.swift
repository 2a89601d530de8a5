import Foundation
import Resources
import Sandbox
import Testing
import TestSupport

/// The kubectl found on this machine, detected once.
enum InstalledKubectl {
    static let tool = KubectlTool.detect()
}

/// kubectl (an independent client) as the judge of the Sandbox's fidelity. Skipped when kubectl is not installed.
@Suite("Sandbox with kubectl", .enabled(if: InstalledKubectl.tool != nil, "kubectl is not installed"))
struct SandboxKubectlTests {
    static var tool: KubectlTool? { InstalledKubectl.tool }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: podinfo
          labels: {app: podinfo}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: podinfo}
          template:
            metadata:
              labels: {app: podinfo}
            spec:
              containers:
              - name: app
                image: ghcr.io/stefanprodan/podinfo:6.0.0
                ports:
                - containerPort: 9898
        """

    func run(_ h: SandboxHarness, _ args: [String], stdin: String? = nil) throws -> SandboxProcessRunner.Result {
        guard let tool = Self.tool else { throw SkipError() }
        return try h.kubectl(tool, args, stdin: stdin)
    }

    struct SkipError: Error {}

    @Test("api-resources, apply (client-side, then server-side), get -o json, patch --type=merge, delete")
    func lifecycle() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let resources = try run(h, ["api-resources"])
        #expect(resources.status == 0, "\(resources.stderr)")
        #expect(resources.stdout.contains("deployments") && resources.stdout.contains("deploy"))
        #expect(resources.stdout.contains("horizontalpodautoscalers"))

        let file = try h.file("deploy.yaml", Self.deployment)
        let created = try run(h, ["apply", "--validate=false", "-f", file])
        #expect(created.stdout.contains("deployment.apps/podinfo created"), "\(created.stderr)")
        let changed = try h.file("deploy2.yaml", Self.deployment.replacingOccurrences(of: "replicas: 2", with: "replicas: 3"))
        let configured = try run(h, ["apply", "--validate=false", "-f", changed])
        #expect(configured.stdout.contains("deployment.apps/podinfo configured"), "\(configured.stderr)")
        let ssa = try run(h, ["apply", "--server-side", "--validate=false", "--force-conflicts", "-f", file])
        #expect(ssa.stdout.contains("serverside-applied"), "\(ssa.stderr)")

        let got = try run(h, ["get", "deploy", "podinfo", "-o", "json", "--show-managed-fields"])
        let obj = try JSONParser.parse(got.stdout)
        #expect(obj["spec", "replicas"] == 2)
        #expect(obj["status", "readyReplicas"] == 2)
        #expect(obj["metadata", "generation"] == 3)
        let managers = Set(obj["metadata", "managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue } ?? [])
        #expect(managers.contains("kubectl") && managers.contains("kubectl-client-side-apply"))
        let conditions = obj["status", "conditions"]?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Available" && $0["status"] == "True" })
        #expect(conditions.contains { $0["reason"] == "NewReplicaSetAvailable" })

        let patched = try run(h, ["patch", "deploy", "podinfo", "--type=merge", "-p", #"{"spec":{"replicas":5}}"#])
        #expect(patched.status == 0, "\(patched.stderr)")
        let replicas = try run(h, ["get", "deploy", "podinfo", "-o", "jsonpath={.spec.replicas}/{.status.availableReplicas}"])
        #expect(replicas.stdout == "5/5")

        // A stale resourceVersion is refused with 409.
        let stale = try h.file("stale.json", got.stdout)
        let replaced = try run(h, ["replace", "--validate=false", "-f", stale])
        #expect(replaced.status != 0)
        #expect(replaced.stderr.contains("the object has been modified"), "\(replaced.stderr)")

        let deleted = try run(h, ["delete", "deploy", "podinfo"])
        #expect(deleted.stdout.contains("deleted"), "\(deleted.stderr)")
        let gone = try run(h, ["get", "deploy", "podinfo"])
        #expect(gone.stderr.contains("NotFound") || gone.stderr.contains("not found"))
    }

    @Test("Flagger's CRD applied, a Canary created and listed, its status updated without touching spec or generation")
    func flaggerCanary() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        guard let url = Bundle.module.url(forResource: "Fixtures/flagger-crd", withExtension: "yaml") else {
            Issue.record("missing fixture")
            return
        }
        let crd = try run(h, ["apply", "--server-side", "--validate=false", "-f", url.path])
        #expect(crd.status == 0, "\(crd.stderr)")
        #expect(crd.stdout.contains("canaries.flagger.app serverside-applied"))
        let canary = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata:
              name: podinfo
            spec:
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              service: {port: 9898}
              analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
            """
        let created = try run(h, ["apply", "--validate=false", "-f", try h.file("canary.yaml", canary)])
        #expect(created.stdout.contains("canary.flagger.app/podinfo created"), "\(created.stderr)")
        let listed = try run(h, ["get", "canaries", "-o", "json"])
        let list = try JSONParser.parse(listed.stdout)
        #expect(list["items"]?.arrayValue?.count == 1)
        #expect(list["items"]?.arrayValue?.first?["spec", "analysis", "stepWeight"] == 10)
        let status = try run(h, ["patch", "canary", "podinfo", "--subresource=status", "--type=merge",
                                 "-p", #"{"status":{"phase":"Progressing"},"spec":{"analysis":{"stepWeight":99}}}"#])
        #expect(status.status == 0, "\(status.stderr)")
        let after = try JSONParser.parse(try run(h, ["get", "canary", "podinfo", "-o", "json"]).stdout)
        #expect(after["status", "phase"] == "Progressing")
        #expect(after["spec", "analysis", "stepWeight"] == 10)
        #expect(after["metadata", "generation"] == 1)
        let wrong = canary.replacingOccurrences(of: "stepWeight: 10", with: "stepWeight: ten")
        let invalid = try run(h, ["apply", "--validate=false", "-f", try h.file("bad.yaml", wrong)])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("spec.analysis.stepWeight"), "\(invalid.stderr)")
    }

    @Test("a not-ready Deployment hits ProgressDeadlineExceeded after progressDeadlineSeconds of sandbox time; owned objects are collected")
    func progressDeadlineAndGarbageCollection() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let broken = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: broken}
            spec:
              progressDeadlineSeconds: 60
              selector: {matchLabels: {app: broken}}
              template:
                metadata:
                  labels: {app: broken}
                  annotations: {sandbox.gitcanary.dev/ready: "false"}
                spec:
                  containers: [{name: app, image: "broken:1"}]
            """
        #expect(try run(h, ["apply", "--validate=false", "-f", try h.file("broken.yaml", broken)]).status == 0)
        let reason = ["get", "deploy", "broken", "-o", #"jsonpath={.status.conditions[?(@.type=="Progressing")].reason}"#]
        #expect(try run(h, reason).stdout == "ReplicaSetUpdated")
        h.sandbox.advanceClock(by: 61)
        #expect(try run(h, reason).stdout == "ProgressDeadlineExceeded")
        let rollout = try run(h, ["rollout", "status", "deploy/broken", "--timeout=10s"])
        #expect(rollout.status != 0)
        #expect(rollout.stderr.contains("exceeded its progress deadline"), "\(rollout.stderr)")

        // A ConfigMap owned by the Deployment goes with it.
        let uid = try run(h, ["get", "deploy", "broken", "-o", "jsonpath={.metadata.uid}"]).stdout
        let owned = """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owned","ownerReferences":[
              {"apiVersion":"apps/v1","kind":"Deployment","name":"broken","uid":"\(uid)"}]}}
            """
        #expect(try run(h, ["create", "--validate=false", "-f", try h.file("owned.json", owned)]).status == 0)
        #expect(try run(h, ["delete", "deploy", "broken"]).status == 0)
        let gone = try run(h, ["get", "configmap", "owned"])
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("not found"))
    }
}
