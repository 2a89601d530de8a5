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
        "gitcanary-engine gloo.solo.io upstreams": "gloo-upstream",
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
        "gitcanary-sync-defaults core serviceaccounts": "extras",
    ]

    /// The `--prune` story that deletes an object of each rule granting delete (the verb-removal case of `delete`).
    static let deleteStories: [String: String] = [
        "gitcanary-engine flagger.app canaries": "prune:demo-istio",
        "gitcanary-engine apps deployments,daemonsets": "prune:demo-istio",
        "gitcanary-engine core services": "prune:extras",
        "gitcanary-engine core configmaps,secrets": "prune:podinfo-istio",
        "gitcanary-engine autoscaling horizontalpodautoscalers": "prune:podinfo-istio",
        "gitcanary-engine keda.sh scaledobjects": "prune:keda",
        "gitcanary-engine networking.k8s.io ingresses": "prune:nginx",
        "gitcanary-engine apisix.apache.org apisixroutes": "prune:apisix",
        "gitcanary-engine serving.knative.dev services": "prune:knative",
        "gitcanary-sync-defaults flagger.app metrictemplates,alertproviders": "prune:podinfo-istio",
        "gitcanary-sync-defaults core serviceaccounts": "prune:extras",
    ]

    /// One verb of a rule with several.
    struct VerbRemoval: Sendable, CustomTestStringConvertible {
        var rule: RBACRule
        var verb: String
        var story: String? { verb == "delete" ? RBACRuleRemovalTests.deleteStories[rule.id] : RBACRuleRemovalTests.cases[rule.id] }
        var testDescription: String { "\(rule.id) without \(verb)" }
    }

    /// Every verb of every rule that has more than one (a rule with one verb is covered by ``removed(_:)``).
    static let verbRemovals: [VerbRemoval] = RBACRule.allOrEmpty.filter { $0.verbs.count > 1 }.flatMap { rule in
        rule.verbs.map { VerbRemoval(rule: rule, verb: $0) }
    }

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
        // Every verb too: `delete` needs a prune story, and a prune story only for a rule that grants delete.
        let deleting = Set(rules.filter { $0.verbs.contains("delete") }.map(\.id))
        #expect(deleting == Set(Self.deleteStories.keys), "rules granting delete: \(deleting.sorted())")
        #expect(Set(Self.deleteStories.values.map { String($0.dropFirst("prune:".count)) }).isSubset(of: RBACStory.stories))
        #expect(Self.verbRemovals.count == rules.filter { $0.verbs.count > 1 }.map(\.verbs.count).reduce(0, +))
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

    @Test("with --prune, the story's objects leave Git and are deleted as the service account",
          arguments: Set(deleteStories.values).sorted())
    func pruned(_ story: String) async throws {
        let s = try await RBACStory(story)
        defer { s.stop() }
        let done = try await s.play(maxRuns: 8) { $0.hasReleased && $0.pruned > 0 || !$0.messages.isEmpty }
        #expect(done && s.pruned > 0, "\(story): \(s.pruned) objects pruned after \(s.runs) runs")
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

    @Test("without one verb of a rule, a run fails with the 403 naming that verb", arguments: verbRemovals)
    func removedVerb(_ removal: VerbRemoval) async throws {
        let story = try #require(removal.story, "no story for \(removal.testDescription)")
        let s = try await RBACStory(story, without: removal.rule, verb: removal.verb)
        defer { s.stop() }
        var verbOnly = removal.rule
        verbOnly.verbs = [removal.verb]
        let denied = try await s.play(maxRuns: 6) { $0.messages.contains(where: verbOnly.isDenial) }
        #expect(denied, "\(removal.testDescription): \(story) ran \(s.runs) runs, phase \(s.phase?.rawValue ?? "-"), with no 403 naming it: \(s.messages)")
    }
}
