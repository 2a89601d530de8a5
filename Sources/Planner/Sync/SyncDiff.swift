import Resources

/// A value shown in a diff: a JSON value, a masked secret, or nothing (the field is absent).
public enum DiffValue: Sendable, Hashable, CustomStringConvertible {
    /// The field is absent.
    case absent
    /// A value that is safe to print.
    case value(JSONValue)
    /// A Secret value: never printed.
    case sensitive

    /// Compact JSON, `(absent)` or `(sensitive)`.
    public var description: String {
        switch self {
        case .absent: return "(absent)"
        case .value(let v): return JSONWriter.string(v)
        case .sensitive: return "(sensitive)"
        }
    }
}

/// One changed field: its path (`spec.template.spec.containers[0].image`), the live and the desired value.
public struct FieldChange: Sendable, Hashable, CustomStringConvertible {
    /// The path of the field.
    public var path: String
    /// The live value.
    public var old: DiffValue
    /// The value Git declares.
    public var new: DiffValue

    /// Creates a change.
    public init(path: String, old: DiffValue, new: DiffValue) {
        self.path = path
        self.old = old
        self.new = new
    }

    /// `path: old → new`.
    public var description: String { "\(path): \(old) → \(new)" }
}

/// The field-level diff for `gitcanary plan`: the fields Git declares that the live object does not hold, with the
/// same normalisation as ``SyncCompare``. Secret `data` and `stringData` values are masked as `(sensitive)`.
public enum SyncDiff {
    /// The changes of one object; `live == nil` lists nothing (the object is created).
    public static func changes(desired: JSONValue, live: JSONValue?) -> [FieldChange] {
        guard let live else { return [] }
        let secret = desired["kind"]?.stringValue == "Secret" && (desired["apiVersion"]?.stringValue ?? "v1") == "v1"
        var out: [FieldChange] = []
        walk(SyncCompare.comparable(desired, live: live), live, path: "", quantities: false, sensitive: false, secret: secret, into: &out)
        return out
    }

    private static func walk(
        _ d: JSONValue, _ l: JSONValue?, path: String, quantities: Bool, sensitive: Bool, secret: Bool,
        into out: inout [FieldChange]
    ) {
        func show(_ v: JSONValue?) -> DiffValue {
            guard let v else { return .absent }
            return sensitive ? .sensitive : .value(v)
        }
        guard let l else {
            if !SyncCompare.isEmpty(d) { out.append(FieldChange(path: path, old: .absent, new: show(d))) }
            return
        }
        switch (d, l) {
        case (.object(let dobj), .object(let lobj)):
            for (key, dv) in dobj {
                if path == "metadata.annotations" && key == SyncLabels.appliedHash { continue }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                let childSensitive = sensitive || (secret && path.isEmpty && (key == "data" || key == "stringData"))
                let q = quantities || SyncCompare.quantityKeys.contains(key)
                walk(dv, lobj[key], path: childPath, quantities: q, sensitive: childSensitive, secret: secret, into: &out)
            }
        case (.array(let da), .array(let la)) where da.count == la.count:
            for (i, (dv, lv)) in zip(da, la).enumerated() {
                walk(dv, lv, path: "\(path)[\(i)]", quantities: quantities, sensitive: sensitive, secret: secret, into: &out)
            }
        default:
            if !SyncCompare.holds(d, l, quantities: quantities) {
                out.append(FieldChange(path: path, old: show(l), new: show(d)))
            }
        }
    }
}
