import KubeAPI
import Planner
import Resources

/// Waits, with a deadline and polling, until the CRDs the definitions stage applied are established and their
/// kinds are served (a LIST of one object answers), and the Namespaces it applied exist and are not terminating.
///
/// The wait is bounded: what is not ready at the deadline is reported, and the objects of a kind that is not
/// served fail with that reason instead of a confusing 404.
struct DefinitionWaiter: Sendable {
    let client: KubeClient
    let timeout: Duration
    let poll: Duration

    /// Waits for every applied definition; returns `group/Kind` → reason for the kinds that are not served.
    /// A definition that did not become ready is turned into a failed entry in `results`.
    func wait(for entries: [SyncEntry], results: inout [ChangeSetEntry], customKinds: CustomKinds) async -> [String: String] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var notServed: [String: String] = [:]
        for (i, entry) in entries.enumerated() {
            guard case .apply(let body) = entry.action, results[i].action == .created || results[i].action == .configured
            else {
                if results[i].action == .failed, entry.ref.kind == "CustomResourceDefinition", case .apply(let body) = entry.action {
                    for m in CustomKinds.mappings(of: body) {
                        notServed[SyncKey(group: m.gvr.group, kind: m.kind, name: "x").groupKind] =
                            "its CustomResourceDefinition \(entry.ref.name) could not be applied"
                    }
                }
                continue
            }
            let ready: String?  // nil when ready, else what is missing
            if entry.ref.kind == "CustomResourceDefinition" {
                ready = await waitForCRD(name: entry.ref.name, mappings: CustomKinds.mappings(of: body), until: deadline)
                if let missing = ready {
                    for m in CustomKinds.mappings(of: body) {
                        notServed[SyncKey(group: m.gvr.group, kind: m.kind, name: "x").groupKind] =
                            "CustomResourceDefinition \(entry.ref.name) not served within \(timeout): \(missing)"
                    }
                }
            } else {
                ready = await waitForNamespace(name: entry.ref.name, until: deadline)
            }
            if let missing = ready {
                results[i].action = .failed
                results[i].message = "applied, but not ready within \(timeout): \(missing)"
            }
        }
        return notServed
    }

    private func waitForCRD(name: String, mappings: [ResourceMapping], until deadline: ContinuousClock.Instant) async -> String? {
        let crds = ResourceMapping("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false)
        var missing = "not established"
        repeat {
            if let crd = try? await client.get(crds, name: name) {  // a failed poll is retried until the deadline
                let established = (crd["status", "conditions"]?.arrayValue ?? []).contains {
                    $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
                }
                if established {
                    missing = "established, but its resources are not served yet"
                    var served = true
                    for m in mappings {
                        do {
                            _ = try await client.list(m, namespace: nil, options: ListOptions(limit: 1))
                        } catch {
                            served = false
                            break
                        }
                    }
                    if served { return nil }
                }
            }
            try? await Task.sleep(for: poll)  // cancellation ends the wait at the next deadline check
        } while ContinuousClock.now < deadline
        return missing
    }

    private func waitForNamespace(name: String, until deadline: ContinuousClock.Instant) async -> String? {
        var missing = "not found"
        repeat {
            do {
                let ns = try await client.get(BuiltinResources.namespaces, name: name)
                if ns["status", "phase"]?.stringValue != "Terminating" { return nil }
                missing = "terminating"
            } catch {
                missing = error.isNotFound ? "not found" : "\(error)"
            }
            try? await Task.sleep(for: poll)  // cancellation ends the wait at the next deadline check
        } while ContinuousClock.now < deadline
        return missing
    }
}
