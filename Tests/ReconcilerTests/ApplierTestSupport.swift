import Applier
import Foundation
import KubeAPI
import Logging
import Planner
import Resources
import Testing

/// The run protocol of the Git sync, as the Reconciler runs it: observe, plan, take the Lease only with writes,
/// apply, release.
struct ApplierTestRun {
    let client: KubeClient
    let options: SyncOptions
    var applier: SyncApplierOptions = SyncApplierOptions(definitionTimeout: .seconds(5), pollInterval: .milliseconds(50))
    var identity = "test-run"
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    struct Outcome {
        var plan: SyncPlan
        var changes: ChangeSet?
        var heldBy: String?
        var waited = false
    }

    func run(_ yaml: String) async throws -> Outcome {
        let desired = try ManifestDecoder().decode(yaml: yaml, file: "repo/apps.yaml")
        let input = try await SyncObserver(client: client).observe(desired: desired, options: options)
        let plan = SyncPlanner().plan(input)
        guard plan.hasWrites else { return Outcome(plan: plan) }
        if applier.dryRun {
            return Outcome(plan: plan, changes: await SyncApplier(client: client, options: applier, logger: Self.quiet).apply(plan, sync: options))
        }
        let lock = LeaseLock(client: client, namespace: options.inventoryNamespace, name: options.shard.leaseName, identity: identity, duration: .seconds(30),
            logger: Self.quiet)
        switch try await lock.acquire(waitingUpTo: .seconds(2)) {
        case .heldBy(let holder, _):
            return Outcome(plan: plan, heldBy: holder)
        case .acquired(let lease):
            var plan = plan
            if lease.waited {  // the holder may have done the work: observe and plan again
                plan = SyncPlanner().plan(try await SyncObserver(client: client).observe(desired: desired, options: options))
            }
            let changes = plan.hasWrites
                ? await SyncApplier(client: client, options: applier, logger: Self.quiet).apply(plan, sync: options, lease: lease)
                : nil
            await lease.release()
            return Outcome(plan: plan, changes: changes, waited: lease.waited)
        }
    }
}

enum ApplierRepo {
    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
          versions: [{name: v1, served: true, storage: true}]
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: gizmo, namespace: prod}
        spec: {size: 3}
        """

    static func repo(image: String = "podinfo:6.0.0", color: String = "blue", extraConfig: Bool = true, widget: Bool = true) -> String {
        var docs = [
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: prod}
            """,
            """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: podinfo, namespace: prod}
            spec:
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              service: {port: 9898}
              analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: podinfo, namespace: prod}
            spec:
              replicas: 2
              selector: {matchLabels: {app: podinfo}}
              template:
                metadata: {labels: {app: podinfo}}
                spec:
                  containers:
                  - name: podinfo
                    image: \(image)
                    resources: {requests: {cpu: 100m, memory: 64Mi}}
                    envFrom: [{configMapRef: {name: podinfo-config}}]
            """,
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: podinfo-config, namespace: prod}
            data: {color: \(color)}
            """,
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: podinfo-token, namespace: prod}
            data: {token: c2VjcmV0LXZhbHVl}
            """,
        ]
        if extraConfig {
            docs.append("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: extra, namespace: prod}
                data: {a: b}
                """)
        }
        if widget { docs.append(crd) }
        return docs.joined(separator: "\n---\n")
    }
}
