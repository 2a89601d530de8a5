import Resources

/// Decides whether a live object still holds every field Git declares (a recursive subset comparison).
///
/// - Objects: every desired key must hold in the live object. A desired `null`, `{}` or `[]` also holds when the
///   live object lacks the key (the API server drops empty fields).
/// - Arrays: same length, element by element (never as sets: when unsure, the answer is "changed").
/// - Scalars: equal, or equal after normalisation: numbers by value (`1` vs `1.0`), int-or-string (`8080` vs
///   `"8080"`), and under resource-quantity fields (`resources`, `limits`, `requests`, `hard`, `capacity`,
///   `sizeLimit`, ...) quantities by value (`1000m` vs `1`, `1Gi` vs `1024Mi`).
///
/// Runs in time linear in the size of the desired object.
public enum SyncCompare {
    /// Keys under which strings and numbers are compared as resource quantities.
    static let quantityKeys: Set<String> = [
        "resources", "limits", "requests", "hard", "capacity", "allocatable", "sizeLimit", "overhead", "storage",
        "min", "max", "default", "defaultRequest", "maxLimitRequestRatio", "used",
    ]

    /// The form of a desired object to compare with the live one: a core Secret's `stringData` (which the API
    /// server folds into `data` and never returns) becomes base64 `data` entries, unless the live object still
    /// shows `stringData` (then the desired object is compared as written).
    public static func comparable(_ desired: JSONValue, live: JSONValue? = nil) -> JSONValue {
        guard desired["kind"]?.stringValue == "Secret", desired["apiVersion"]?.stringValue == "v1",
            let stringData = desired["stringData"]?.objectValue, live?["stringData"] == nil
        else { return desired }
        var out = desired
        out["stringData"] = nil
        for (key, value) in stringData {
            guard let text = value.stringValue else { return desired }
            out.set(.string(Base64.encode(Array(text.utf8))), at: ["data", key])
        }
        return out
    }

    /// Whether `live` holds every field of `desired`.
    public static func holds(_ desired: JSONValue, in live: JSONValue) -> Bool {
        holds(desired, live, quantities: false)
    }

    static func holds(_ desired: JSONValue, _ live: JSONValue, quantities: Bool) -> Bool {
        switch (desired, live) {
        case (.object(let d), .object(let l)):
            for (key, dv) in d {
                let q = quantities || quantityKeys.contains(key)
                guard let lv = l[key] else {
                    if isEmpty(dv) { continue }
                    return false
                }
                if !holds(dv, lv, quantities: q) { return false }
            }
            return true
        case (.array(let d), .array(let l)):
            guard d.count == l.count else { return false }
            for (dv, lv) in zip(d, l) where !holds(dv, lv, quantities: quantities) { return false }
            return true
        default:
            return scalarEqual(desired, live, quantities: quantities)
        }
    }

    /// Whether a desired value counts as absent when the live object lacks it.
    static func isEmpty(_ v: JSONValue) -> Bool {
        switch v {
        case .null: return true
        case .object(let o): return o.isEmpty
        case .array(let a): return a.isEmpty
        default: return false
        }
    }

    /// Scalar equality with number, int-or-string and (under quantity keys) quantity normalisation.
    static func scalarEqual(_ a: JSONValue, _ b: JSONValue, quantities: Bool) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.int, .double), (.double, .int), (.double, .double):
            if let x = a.doubleValue, let y = b.doubleValue, x == y { return true }
        case (.int(let i), .string(let s)), (.string(let s), .int(let i)):
            if String(i) == s { return true }
        default:
            break
        }
        guard quantities, let x = quantityText(a), let y = quantityText(b),
            let qx = Quantity(x), let qy = Quantity(y)
        else { return false }
        return qx == qy
    }

    private static func quantityText(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return JSONWriter.string(.double(d))
        default: return nil
        }
    }
}
