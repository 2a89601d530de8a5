/// GitCanary's stable hash for change detection (status.lastAppliedSpec / lastPromotedSpec / failedRevision).
///
/// `SHA-256(canonical JSON)` as 64 lowercase hex characters. Canonical JSON is ``JSONWriter`` with
/// ``JSONWriter/Options/canonical``: keys sorted by UTF-8 bytes, no white space, integers without a fraction,
/// doubles in shortest round-trip form, strings escaped minimally (`\"`, `\\`, `\n`, `\r`, `\t`, other control
/// characters as `\u00xx`, everything else as raw UTF-8). The same value gives the same hash on every run and machine.
///
/// What is hashed for a target (see Sources/Resources/README.md, "Spec hash"):
/// * Deployment: `spec.template` (pod labels, annotations and pod spec), normalised by ``normalise(_:)``.
/// * DaemonSet: the same, after removing the `flagger.app/scale-to-zero` node-selector key Flagger adds while parking
///   the target (an absent or empty nodeSelector hash alike), so parking never looks like a new revision.
/// * Service (plain Kubernetes Service target): `spec`.
/// Object metadata (labels, annotations, resourceVersion, managedFields, ...) and `status` are never hashed, so
/// GitOps tooling annotations and controller writes do not start an analysis; only pod-template changes do, as in
/// Flagger.
public enum SpecHash {
    /// The node-selector key Flagger sets on a DaemonSet target to park it.
    public static let scaleToZeroKey = "flagger.app/scale-to-zero"

    /// SHA-256 hex of the canonical JSON of any value.
    public static func of(_ value: JSONValue) -> String {
        SHA256.hex(JSONWriter.bytes(value, options: .canonical))
    }

    /// The hash of a target workload object (Deployment, DaemonSet or Service), as described above; `nil` when the
    /// object lacks the hashed part (no `spec.template` / `spec`).
    public static func target(_ object: JSONValue) -> String? {
        let kind = object["kind"]?.stringValue ?? ""
        if kind == "Service" {
            guard let spec = object["spec"] else { return nil }
            return of(normalise(spec))
        }
        guard var template = object["spec", "template"] else { return nil }
        if kind == "DaemonSet" {
            var selector = template["spec", "nodeSelector"]?.objectValue ?? JSONObject()
            selector[scaleToZeroKey] = nil
            template.set(selector.isEmpty ? nil : .object(selector), at: ["spec", "nodeSelector"])
        }
        return of(normalise(template))
    }

    /// Drops what Kubernetes treats as absent so Git and API forms of the same template hash alike:
    /// `null` fields (`creationTimestamp: null` in pod templates) are removed, recursively, from objects.
    public static func normalise(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o where !v.isNull { out[k] = normalise(v) }
            return .object(out)
        case .array(let items): return .array(items.map(normalise))
        default: return value
        }
    }
}
