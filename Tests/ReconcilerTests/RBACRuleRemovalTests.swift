import Foundation
import Testing

@testable import gitcanary

/// Every rule of deploy/cronjob/rbac.yaml and sync-rbac.yaml is necessary: each story of ``RBACStory`` is promoted
/// as the service account with exactly those rules, and removing any one rule (enumerated from the YAML files, so a
/// new rule cannot be forgotten) makes a run of the story that needs it fail with kube-apiserver's 403 message
/// naming the missing permission.
@Suite("deploy/cronjob's RBAC: every rule proven necessary")
struct RBACRuleRemovalTests {
    /// The story that needs each rule (keyed by ``RBACRule/id``): a rule without an entry fails
    /// ``everyRuleHasARemovalCase()`` and its own removal case.
    static let cases: [String: String] = [
        "gitcanary-engine flagger.app canaries": "demo-istio",
        "gitcanary-engine flagger.app canaries/status": "demo-istio",
        "gitcanary-engine flagger.app metrictemplates,alertproviders": "podinfo-istio",
        "gitcanary-engine apps deployments,daemonsets": "demo-istio",
        "gitcanary-engine core services": "demo-istio",
        "gitcanary-engine core configmaps,secrets": "demo-istio",
        "gitcanary-engine autoscaling horizontalpodautoscalers": "podinfo-istio",
        "gitcanary-engine keda.sh scaledobjects": "keda",
        "gitcanary-engine networking.k8s.io ingresses": "nginx",
        "gitcanary-engine networking.istio.io virtualservices,destinationrules": "demo-istio",
        "gitcanary-engine gateway.networking.k8s.io httproutes": "ab-gatewayapi",
        "gitcanary-engine split.smi-spec.io trafficsplits": "linkerd",
        "gitcanary-engine appmesh.k8s.aws virtualnodes,virtualrouters,virtualservices": "appmesh",
        "gitcanary-engine projectcontour.io httpproxies": "contour",
        "gitcanary-engine gloo.solo.io upstreams": "gloo",
        "gitcanary-engine gateway.solo.io routetables": "gloo",
        "gitcanary-engine traefik.io,traefik.containo.us traefikservices": "traefik",
        "gitcanary-engine kuma.io trafficroutes": "kuma",
        "gitcanary-engine apisix.apache.org apisixroutes": "apisix",
        "gitcanary-engine serving.knative.dev services": "knative",
        "gitcanary-engine core events": "demo-istio",
        "gitcanary-engine core namespaces": "demo-istio",
        "gitcanary-run coordination.k8s.io leases": "demo-istio",
        "gitcanary-sync-defaults core namespaces": "demo-istio",
        "gitcanary-sync-defaults flagger.app metrictemplates,alertproviders": "podinfo-istio",
        "gitcanary-sync-defaults core serviceaccounts": "serviceaccount",
    ]

    @Test("every rule of the two files has a removal case, on a story that exists")
    func everyRuleHasARemovalCase() throws {
        let rules = try RBACRule.all()
        #expect(rules.count >= 20, "\(rules.count) rules read")
        #expect(Set(rules.map(\.id)).count == rules.count, "two rules share an id: \(rules.map(\.id))")
        #expect(Set(rules.map(\.id)) == Set(Self.cases.keys), """
            rules without a case: \(Set(rules.map(\.id)).subtracting(Self.cases.keys).sorted()); \
            cases without a rule: \(Set(Self.cases.keys).subtracting(rules.map(\.id)).sorted())
            """)
        #expect(Set(Self.cases.values).isSubset(of: RBACStory.stories))
        #expect(rules.map(\.file).contains("sync-rbac.yaml") && rules.map(\.file).contains("rbac.yaml"))
    }

    @Test("the story is promoted as the service account with exactly deploy/cronjob's RBAC", arguments: RBACStory.stories)
    func promoted(_ story: String) async throws {
        let s = try await RBACStory(story)
        defer { s.stop() }
        let done = try await s.play(maxRuns: 40) { $0.phase == .succeeded || !$0.messages.isEmpty }
        #expect(done && s.phase == .succeeded, "\(story): \(s.phase?.rawValue ?? "-") after \(s.runs) runs")
        #expect(s.messages.isEmpty, "\(story): \(s.messages)")
    }

    @Test("without the rule, a run fails with the 403 naming the permission", arguments: RBACRule.allOrEmpty)
    func removed(_ rule: RBACRule) async throws {
        let story = try #require(Self.cases[rule.id], "no removal case for \(rule.id)")
        let s = try await RBACStory(story, without: rule)
        defer { s.stop() }
        let denied = try await s.play(maxRuns: 5) { $0.messages.contains(where: rule.isDenial) }
        #expect(denied, "\(rule.id) removed: \(story) ran \(s.runs) runs, phase \(s.phase?.rawValue ?? "-"), with no 403 naming it: \(s.messages)")
        #expect(s.phase != .succeeded)
    }
}
