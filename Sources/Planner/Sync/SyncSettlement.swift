import Resources

/// The desired side of a sync plan: every desired object settled (server fields removed, namespace defaulted),
/// conflicting declarations, the kind order, Git's workloads and Canaries, and the desired objects' LIST scopes.
///
/// A function of the desired manifests and the options alone, so a run works it out while it still waits for the
/// cluster's LISTs (``SyncPlanner/settle(_:options:)``), then hands it to the plan on ``SyncInput/settlement``.
public struct SyncSettlement: Sendable {
    /// What it was worked out from: a plan whose input differs settles again.
    let desired: [Manifest]
    let options: SyncOptions
    let hasherType: String
    let normalizer: SyncNormalizer
    let settled: [SyncPlanner.Settled]
    /// `settled` in kind order.
    let ordered: [SyncPlanner.Settled]
    let conflicts: [SyncConflict]
    let allDesired: Set<SyncKey>
    let workloads: [SyncKey: JSONValue]
    let gitCanaries: [SyncCanary]
    /// The desired objects' LIST scopes (``SyncPlanner/desiredScopes(_:options:)``).
    public let scopes: SyncPlanner.DesiredScopes

    /// Whether this settles `input`'s desired objects with `hasher`: the very same array (its storage, so the check
    /// costs nothing; a copy that was changed has storage of its own), the same options and hasher.
    func settles(_ input: SyncInput, hasher: any SyncHasher) -> Bool {
        guard desired.count == input.desired.count, options == input.options,
              hasherType == String(reflecting: type(of: hasher)) else { return false }
        let mine = desired.withUnsafeBufferPointer { $0.baseAddress }
        let theirs = input.desired.withUnsafeBufferPointer { $0.baseAddress }
        return mine == theirs
    }
}

extension SyncPlanner {
    /// Settles the desired objects (see ``SyncSettlement``).
    public func settle(_ desired: [Manifest], options: SyncOptions) -> SyncSettlement {
        let normalizer = SyncNormalizer(
            sourceName: options.sourceName, defaultNamespace: options.defaultNamespace, desired: desired,
            clusterScopedKinds: options.clusterScopedKinds,
            hasher: hasher)
        var conflicts: [SyncConflict] = []
        var scopes = DesiredScopes()

        // Settle every desired object; the first declaration of an identity wins.
        var settled: [Settled] = []
        settled.reserveCapacity(desired.count)
        var seen: [SyncKey: Int] = [:]
        seen.reserveCapacity(desired.count)
        for (position, manifest) in desired.enumerated() {
            let object = normalizer.settle(manifest)
            let key = SyncKey(object: object)
            scopes.add(manifest, key: key)
            if let first = seen[key] {
                conflicts.append(SyncConflict(
                    ref: Manifest(object: object).ref, source: manifest.source.description,
                    reason: "declared twice (first at \(desired[first].source.description)); only the first declaration is applied"))
                continue
            }
            seen[key] = position
            settled.append(Settled(key: key, object: object, manifest: manifest))
        }

        // Workloads (for config references and replica ownership) and Git's Canaries.
        var workloads: [SyncKey: JSONValue] = [:]
        var gitCanaries: [SyncCanary] = []
        for s in settled {
            if s.key.kind == "Deployment" || s.key.kind == "DaemonSet" { workloads[s.key] = s.object }
            // A Canary without a target is still applied (the server validates it); it just owns nothing here.
            if s.key.kind == "Canary", s.key.group == "flagger.app", let c = SyncCanary(json: s.object) { gitCanaries.append(c) }
        }
        return SyncSettlement(
            desired: desired, options: options, hasherType: String(reflecting: type(of: hasher)), normalizer: normalizer,
            settled: settled, ordered: SyncKindOrder.sorted(settled, key: \.key), conflicts: conflicts,
            allDesired: Set(settled.map(\.key)), workloads: workloads, gitCanaries: gitCanaries, scopes: scopes)
    }
}
