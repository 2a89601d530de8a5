import Planner
import Resources
import Testing

@Suite("Sync plan: field-level diff for gitcanary plan")
struct SyncDiffTests {
    func json(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }

    @Test("Secret data and stringData are masked, never printed")
    func secretMasked() throws {
        let desired = try json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","labels":{"team":"a"}},"data":{"password":"bmV3LXNlY3JldA==","added":"YWRkZWQ="},"stringData":{"token":"plain-new"}}"#)
        let live = try json(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","labels":{"team":"b"}},"data":{"password":"b2xkLXNlY3JldA=="}}"#)
        let changes = SyncDiff.changes(desired: desired, live: live)
        let text = changes.map(\.description).joined(separator: "\n")
        #expect(changes.map(\.path).sorted() == ["data.added", "data.password", "data.token", "metadata.labels.team"])
        #expect(text.contains(#"metadata.labels.team: "b" → "a""#))
        #expect(text.contains("data.password: (sensitive) → (sensitive)"))
        #expect(text.contains("data.added: (absent) → (sensitive)"))
        for secret in ["bmV3LXNlY3JldA", "b2xkLXNlY3JldA", "YWRkZWQ", "plain-new", "cGxhaW4tbmV3"] { #expect(!text.contains(secret)) }
    }

    @Test("Diffs list only fields Git declares that do not hold, with normalised comparison")
    func onlyDeclared() throws {
        let desired = try json(#"{"kind":"Deployment","metadata":{"annotations":{"gitcanary.dev/applied-hash":"new"}},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:2","resources":{"limits":{"cpu":"1000m"}}}]}}}}"#)
        let live = try json(#"{"kind":"Deployment","metadata":{"annotations":{"gitcanary.dev/applied-hash":"old"}},"spec":{"replicas":4,"template":{"spec":{"containers":[{"name":"a","image":"a:1","resources":{"limits":{"cpu":"1"}}}]}}}}"#)
        let changes = SyncDiff.changes(desired: desired, live: live)
        #expect(changes.map(\.description) == [#"spec.template.spec.containers[0].image: "a:1" → "a:2""#])
        #expect(SyncDiff.changes(desired: desired, live: nil).isEmpty)
    }

    @Test("A ConfigMap's data is not masked")
    func configMapShown() throws {
        let desired = try json(#"{"apiVersion":"v1","kind":"ConfigMap","data":{"color":"blue"}}"#)
        let live = try json(#"{"apiVersion":"v1","kind":"ConfigMap","data":{"color":"red"}}"#)
        #expect(SyncDiff.changes(desired: desired, live: live).map(\.description) == [#"data.color: "red" → "blue""#])
    }

    @Test("Planned Secret applies carry masked changes")
    func planMasksSecrets() {
        let planner = SyncPlanner()
        let manifests = SyncFixtures.decode(SyncFixtures.repo)
        let first = planner.plan(SyncInput(desired: manifests, options: SyncFixtures.options()))
        let live = SyncFixtures.liveState(after: first) { key, o in
            if key.kind == "Secret" { o.set("dG9wLXNlY3JldA==", at: ["data", "token"]) }
        }
        let second = planner.plan(SyncInput(desired: manifests, live: live, options: SyncFixtures.options()))
        let secret = second.entries.first { $0.ref.kind == "Secret" }
        #expect(secret?.changes.map(\.description) == ["data.token: (sensitive) → (sensitive)"])
    }
}
