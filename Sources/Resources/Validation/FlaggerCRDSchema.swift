/// Flagger's CRD schemas (openAPIV3Schema of `flagger.app/v1beta1` Canary, MetricTemplate, AlertProvider), compiled in.
///
/// The text lives in `FlaggerCRDSchema+Generated.swift`, produced by `scripts/flagger-schema.py` from the CRD file
/// Flagger ships; nothing is read from disk at run time.
public enum FlaggerCRDSchema {
    /// The API group of the Flagger kinds.
    public static let group = "flagger.app"
    /// The only version Flagger serves.
    public static let servedVersion = "flagger.app/v1beta1"
    /// The kinds covered.
    public static let kinds: Set<String> = ["Canary", "MetricTemplate", "AlertProvider"]

    /// All schemas, keyed by kind (an empty object if the generated text were ever broken; a test guards that).
    public static let all: JSONValue = (try? JSONParser.parse(generatedJSON)) ?? .object(JSONObject())

    /// Flagger's schema of one kind, or `nil` for kinds Flagger does not define.
    public static func flaggerSchema(forKind kind: String) -> JSONValue? { all[kind] }

    /// The schema GitCanary validates with: Flagger's, plus the spec fields GitCanary adds (declared in GitCanary's
    /// CRD): `spec.analysis.metrics[].onNoData` (`fail`, `pass` or `hold`). Status is not checked for unknown fields,
    /// so GitCanary's status additions need no entry here.
    public static func schema(forKind kind: String) -> JSONValue? {
        guard var schema = all[kind] else { return nil }
        if kind == "Canary" {
            let metric = ["properties", "spec", "properties", "analysis", "properties", "metrics", "items", "properties"]
            schema.set(["type": "string", "enum": ["fail", "pass", "hold"]], at: metric + ["onNoData"])
        }
        return schema
    }

    /// The fields GitCanary adds to Flagger's spec, as JSON paths (for documentation and tests).
    public static let gitCanarySpecFields = ["spec.analysis.metrics[].onNoData"]
}
