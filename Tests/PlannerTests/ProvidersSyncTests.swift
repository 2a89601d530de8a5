import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// The Git sync leaves the user's objects that provider routers copy (ApisixRoute, Gloo Upstream, the Knative
/// Service target) to Git, and still refuses the objects the rollout generates for those providers.
@Suite struct ProvidersSyncTests {
    static func plan(_ yaml: String) -> SyncPlan {
        SyncPlanner().plan(SyncInput(desired: SyncFixtures.decode(yaml), options: SyncFixtures.options()))
    }

    static func canary(_ extra: String, target: String = "apiVersion: apps/v1\n    kind: Deployment") -> String {
        """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata: {name: podinfo, namespace: prod}
        spec:
          targetRef:
            \(target.replacingOccurrences(of: "\n    ", with: "\n    "))
            name: podinfo
          service: {port: 9898}
        \(extra)
        """
    }

    @Test func apisixRouteOfGitIsAppliedAndTheGeneratedOneRefused() {
        let yaml = Self.canary("  routeRef: {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo}") + """

        ---
        apiVersion: apisix.apache.org/v2
        kind: ApisixRoute
        metadata: {name: podinfo, namespace: prod}
        spec: {http: []}
        ---
        apiVersion: apisix.apache.org/v2
        kind: ApisixRoute
        metadata: {name: podinfo-podinfo-canary, namespace: prod}
        spec: {http: []}
        """
        let plan = Self.plan(yaml)
        #expect(plan.entries.contains { $0.ref.kind == "ApisixRoute" && $0.ref.name == "podinfo" })
        #expect(plan.conflicts.map(\.ref.name) == ["podinfo-podinfo-canary"])
    }

    @Test func glooUpstreamTemplateIsAppliedAndGeneratedUpstreamsRefused() {
        let yaml = Self.canary("") + """

        ---
        apiVersion: gloo.solo.io/v1
        kind: Upstream
        metadata: {name: podinfo, namespace: prod}
        spec: {}
        ---
        apiVersion: gloo.solo.io/v1
        kind: Upstream
        metadata: {name: prod-podinfo-canaryupstream-9898, namespace: prod}
        spec: {}
        """
        let plan = Self.plan(yaml)
        #expect(plan.entries.contains { $0.ref.kind == "Upstream" && $0.ref.name == "podinfo" })
        #expect(plan.conflicts.map(\.ref.name) == ["prod-podinfo-canaryupstream-9898"])
    }

    @Test func knativeServiceTargetIsAppliedFromGit() {
        let yaml = Self.canary("", target: "apiVersion: serving.knative.dev/v1\n    kind: Service") + """

        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: podinfo, namespace: prod}
        spec: {template: {spec: {containers: [{image: podinfo}]}}}
        """
        let plan = Self.plan(yaml)
        #expect(plan.entries.contains { $0.ref.kind == "Service" && $0.ref.name == "podinfo" })
        #expect(plan.conflicts.isEmpty, "\(plan.conflicts)")
    }
}
