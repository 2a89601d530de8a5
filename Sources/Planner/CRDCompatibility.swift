import Resources

/// Detects the GitCanary status fields that an API server pruned because only Flagger's CRD is installed.
public enum CRDCompatibility {
    /// GitCanary's additions to `Canary.status`.
    public static let extensionFields = ["revision", "lastStepTime", "phaseStartTime", "mirrored", "failedRevision",
                                         "checks", "counters"]

    /// The extension fields that were written but are missing from the object read back after the write.
    /// - Parameters:
    ///   - written: the status that was written.
    ///   - readBack: the Canary object as returned by the API server after the status write.
    public static func missingStatusFields(written: CanaryStatus, readBack: JSONValue) -> [String] {
        guard let sent = try? JSONCoding.encode(written) else { return [] }
        let status = readBack["status"] ?? .null
        return extensionFields.filter { sent[$0] != nil && status[$0] == nil }
    }

    /// What to tell the user when fields were pruned.
    public static func advice(missing: [String]) -> String? {
        guard !missing.isEmpty else { return nil }
        return "the API server dropped Canary status fields \(missing.joined(separator: ", ")): the installed "
            + "canaries.flagger.app CRD is Flagger's, which does not declare GitCanary's status fields; apply "
            + "GitCanary's superset CRD: kubectl apply -f deploy/crds/canaries.flagger.app.yaml (it stays compatible with Flagger)"
    }
}
