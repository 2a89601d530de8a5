import KubeAPI
import Planner
import Resources

/// The kinds the plan's CustomResourceDefinitions declare, mapped straight from the CRDs (group, served versions,
/// plural, scope), so objects of a new kind are addressed without depending on a discovery cache taken before
/// the CRD existed.
struct CustomKinds: Sendable {
    /// `group/version|Kind` → mapping.
    private var mappings: [String: ResourceMapping] = [:]
    /// `group/Kind` of CRDs the plan applies (created or changed in this run).
    private var applied: Set<String> = []
    /// `group/Kind` → the CRD's name.
    private(set) var crdNames: [String: String] = [:]
    /// Namespaces the plan applies that were not observed (a dry run cannot create them first).
    private(set) var newNamespaces: Set<String> = []

    init(plan: SyncPlan) {
        for entry in plan.entries(in: .definitions) where entry.ref.kind == "Namespace" && !entry.exists {
            newNamespaces.insert(entry.ref.name)
        }
        for entry in plan.entries(in: .definitions) where entry.ref.kind == "CustomResourceDefinition" {
            guard case .apply(let crd) = entry.action else { continue }
            for m in Self.mappings(of: crd) {
                mappings[m.gvr.apiVersion + "|" + m.kind] = m
                let gk = SyncKey(group: m.gvr.group, kind: m.kind, name: "x").groupKind
                if !entry.exists { applied.insert(gk) }
                crdNames[gk] = entry.ref.name
            }
        }
    }

    /// The mappings a CRD object declares, one per served version.
    static func mappings(of crd: JSONValue) -> [ResourceMapping] {
        guard let group = crd["spec", "group"]?.stringValue, let kind = crd["spec", "names", "kind"]?.stringValue,
            let plural = crd["spec", "names", "plural"]?.stringValue
        else { return [] }
        let namespaced = crd["spec", "scope"]?.stringValue != "Cluster"
        return (crd["spec", "versions"]?.arrayValue ?? []).compactMap { v in
            guard let name = v["name"]?.stringValue, v["served"]?.boolValue != false else { return nil }
            return ResourceMapping("\(group)/\(name)", kind, plural, namespaced: namespaced)
        }
    }

    /// The mapping of a kind a CRD of the plan declares.
    func mapping(apiVersion: String, kind: String) -> ResourceMapping? { mappings[apiVersion + "|" + kind] }

    /// Whether the kind's CRD did not exist before this run.
    func isNew(group: String, kind: String) -> Bool { applied.contains(SyncKey(group: group, kind: kind, name: "x").groupKind) }

    /// Every mapping, for the wait.
    var all: [ResourceMapping] { Array(mappings.values) }
}
