import Foundation

/// Reads the `GITCANARY_<NAME>` environment variable that backs an option (architecture "Contracts").
///
/// Options declare their default as `= EnvironmentDefault.string("REPO")`, so a flag on the command line wins over
/// the variable and the variable wins over the built-in default.
enum EnvironmentDefault {
    /// The variable's value, or `nil` when unset or empty.
    ///
    /// Read with `getenv`: `ProcessInfo.environment` builds a dictionary of the whole environment on every call,
    /// and the argument parser evaluates every option's default several times per run (a tenth of a no-change
    /// `gitcanary source`'s CPU).
    static func string(_ name: String) -> String? {
        guard let raw = getenv("GITCANARY_" + name) else { return nil }
        let v = String(cString: raw)
        return v.isEmpty ? nil : v
    }
    /// The variable's value, or `fallback`.
    static func string(_ name: String, default fallback: String) -> String { string(name) ?? fallback }
    /// A boolean variable (`1`, `true`, `yes`), or `fallback`.
    static func bool(_ name: String, default fallback: Bool) -> Bool {
        guard let v = string(name)?.lowercased() else { return fallback }
        return ["1", "true", "yes", "on"].contains(v)
    }
    /// An integer variable, or `fallback`.
    static func int(_ name: String, default fallback: Int) -> Int { string(name).flatMap(Int.init) ?? fallback }
}
