import Resources

/// Observed objects by kind, namespace and name, whatever their apiVersion: the lookups a canary's plan makes
/// (target, primary, services, autoscalers, routes) without scanning every observed object each time.
///
/// A run hands each canary the objects of its whole namespace; a linear scan per lookup made planning grow with
/// the square of the canaries per namespace (15 % of a no-op run's CPU at 1,000 canaries), and so did building an
/// index per canary: a run builds one per namespace and hands it to every canary there
/// (``PlanInput/init(canary:observed:index:now:revision:settings:random:)``). When two apiVersions of
/// one kind, namespace and name are observed, the one Kubernetes ranks higher wins (GA over beta over alpha, then
/// the higher number), so the choice is deterministic.
public struct ObservedIndex: Sendable {
    private struct Key: Hashable, Sendable {
        var kind: String
        var namespace: String
        var name: String
    }

    private var entries: [Key: (apiVersion: String, object: JSONValue)] = [:]

    /// An empty index.
    public init() {}

    /// Indexes `observed`.
    public init(_ observed: [ObjectRef: JSONValue]) {
        entries.reserveCapacity(observed.count)
        for (ref, object) in observed {
            let key = Key(kind: ref.kind, namespace: ref.namespace, name: ref.name)
            if let existing = entries[key], !Self.ranksHigher(ref.apiVersion, than: existing.apiVersion) { continue }
            entries[key] = (ref.apiVersion, object)
        }
    }

    /// Kubernetes' version priority (`v2` > `v2beta2` > `v1` > `v1beta1` > `v1alpha1` > anything else), then text.
    static func ranksHigher(_ a: String, than b: String) -> Bool {
        let (ra, rb) = (rank(a), rank(b))
        return ra != rb ? ra.lexicographicallyPrecedes(rb) == false : a > b
    }

    private static func rank(_ apiVersion: String) -> [Int] {
        let version = apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion
        guard version.hasPrefix("v") else { return [-1, 0, 0] }
        let digits = version.dropFirst().prefix { $0.isASCII && $0.isNumber }
        guard let major = Int(digits) else { return [-1, 0, 0] }
        let rest = version.dropFirst(1 + digits.count)
        if rest.isEmpty { return [2, major, 0] }
        for (stability, word) in [(1, "beta"), (0, "alpha")] where rest.hasPrefix(word) {
            if let minor = Int(rest.dropFirst(word.count)) { return [stability, major, minor] }
        }
        return [-1, 0, 0]
    }

    /// The object of a kind, namespace and name.
    func object(kind: String, namespace: String, name: String) -> JSONValue? {
        entries[Key(kind: kind, namespace: namespace, name: name)]?.object
    }
}
