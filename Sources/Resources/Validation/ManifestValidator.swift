/// Validates manifests: Flagger kinds against Flagger's CRD schema and semantics, every object for identity, and a
/// set of objects for duplicates and dangling Flagger references. Reports every problem in one pass.
///
/// Pure: it sees only the manifests it is given. See docs/validation.md for the rules.
public struct ManifestValidator: Sendable {
    /// Creates a validator.
    public init() {}

    /// All findings for a set of manifests (typically every file of a directory), sorted by file, line and path.
    public func validate(_ manifests: [Manifest]) -> [ValidationFinding] {
        var out: [ValidationFinding] = []
        for manifest in manifests { out += validate(manifest) }
        out += duplicates(manifests)
        out += dangling(manifests)
        return out.sorted(by: ValidationFinding.sourceOrder)
    }

    /// The findings for one manifest on its own (no cross-object rules).
    public func validate(_ manifest: Manifest) -> [ValidationFinding] {
        problems(manifest).map { place($0, in: manifest) }
    }

    func place(_ p: Problem, in manifest: Manifest) -> ValidationFinding {
        ValidationFinding(
            severity: p.severity, location: manifest.location(of: p.path), path: p.path, message: p.message, rule: p.rule,
            object: manifest.ref)
    }

    func problems(_ manifest: Manifest) -> [Problem] {
        var out = identity(manifest.object)
        out += WorkloadRules.check(manifest.object)
        let apiVersion = manifest.object["apiVersion"]?.stringValue ?? ""
        let kind = manifest.object["kind"]?.stringValue ?? ""
        guard apiVersion.hasPrefix(FlaggerCRDSchema.group + "/") else { return out }
        if apiVersion.hasPrefix(FlaggerCRDSchema.group + "/v1alpha") {
            out.append(FlaggerKindRules.legacy(manifest.object, apiVersion: apiVersion))
            return out
        }
        guard apiVersion == FlaggerCRDSchema.servedVersion, let schema = FlaggerCRDSchema.schema(forKind: kind) else {
            out.append(
                .error(.objectIdentity, apiVersion == FlaggerCRDSchema.servedVersion ? "kind" : "apiVersion",
                    "\(apiVersion) \(kind) is not a Flagger kind; Flagger serves Canary, MetricTemplate and AlertProvider in \(FlaggerCRDSchema.servedVersion)"))
            return out
        }
        out += SchemaChecker().check(manifest.object, schema, path: "")
        switch kind {
        case "Canary":
            out += CanaryRules.check(manifest.object)
            if out.contains(where: { $0.rule == .legacyAPIVersion && $0.path == "spec.canaryAnalysis" }) {
                // One finding for one problem: the rename message covers the missing analysis and the dropped field.
                out.removeAll { ($0.rule == .schemaRequired && $0.path == "spec.analysis") || ($0.rule == .schemaUnknownField && $0.path == "spec.canaryAnalysis") }
            }
        case "MetricTemplate": out += FlaggerKindRules.checkMetricTemplate(manifest.object)
        default: out += FlaggerKindRules.checkAlertProvider(manifest.object)
        }
        if !out.contains(where: { $0.severity == .error }) { out += typed(manifest.object, kind: kind) }
        return out
    }

    /// apiVersion, kind, metadata.name (and the shape of namespace, labels and annotations) of any object.
    private func identity(_ object: JSONValue) -> [Problem] {
        var out: [Problem] = []
        for field in ["apiVersion", "kind"] {
            switch object[field] {
            case .string(let s) where !s.isEmpty: break
            case nil: out.append(.error(.objectIdentity, field, "missing \(field)"))
            case .some(let v): out.append(.error(.objectIdentity, field, "\(field) must be a non-empty string, found \(describe(v))"))
            }
        }
        guard let metadata = object["metadata"] else {
            out.append(.error(.objectIdentity, "metadata.name", "missing metadata.name"))
            return out
        }
        guard case .object = metadata else {
            out.append(.error(.objectIdentity, "metadata", "metadata must be an object, found \(describe(metadata))"))
            return out
        }
        switch metadata["name"] {
        case .string(let s) where !s.isEmpty: break
        case nil: out.append(.error(.objectIdentity, "metadata.name", "missing metadata.name"))
        case .some(let v): out.append(.error(.objectIdentity, "metadata.name", "metadata.name must be a non-empty string, found \(describe(v))"))
        }
        if let ns = metadata["namespace"], ns.stringValue == nil {
            out.append(.error(.objectIdentity, "metadata.namespace", "metadata.namespace must be a string, found \(describe(ns))"))
        }
        for field in ["labels", "annotations"] {
            guard let map = metadata[field] else { continue }
            let path = JSONPath.key("metadata", field)
            guard let o = map.objectValue else {
                out.append(.error(.objectIdentity, path, "\(path) must be a map of strings, found \(describe(map))"))
                continue
            }
            for (k, v) in o where v.stringValue == nil {
                out.append(.error(.objectIdentity, JSONPath.key(path, k), "\(field) values must be strings (quote it), found \(describe(v))"))
            }
        }
        return out
    }

    /// The object must read into GitCanary's typed model (a backstop: schema-valid objects normally do).
    private func typed(_ object: JSONValue, kind: String) -> [Problem] {
        do {
            switch kind {
            case "Canary": _ = try Canary(json: object)
            case "MetricTemplate": _ = try MetricTemplate(json: object)
            case "AlertProvider": _ = try AlertProvider(json: object)
            default: break
            }
            return []
        } catch {
            if let (path, d) = Self.hugeWholeNumber(in: object, path: "") {
                // JSONDecoder reports a number too large for Int as invalid JSON without a path: name the field.
                return [.error(.integerRange, path,
                    "\(path) \(CanaryRules.formatWhole(d)) is too large: GitCanary reads it as a 64-bit integer (at most 9223372036854775807); use a realistic value")]
            }
            return [.error(.typedModel, "", "GitCanary cannot read this \(kind): \(TypedDecodingMessage.describe(error))")]
        }
    }

    /// The first whole number too large for a 64-bit integer, with its path.
    static func hugeWholeNumber(in value: JSONValue, path: String) -> (String, Double)? {
        switch value {
        case .double(let d) where d.rounded() == d && (d >= CanaryRules.integerLimit || d < -CanaryRules.integerLimit):
            return (path, d)
        case .object(let o):
            for (k, v) in o { if let found = hugeWholeNumber(in: v, path: JSONPath.key(path, k)) { return found } }
        case .array(let a):
            for (i, v) in a.enumerated() { if let found = hugeWholeNumber(in: v, path: JSONPath.index(path, i)) { return found } }
        default: break
        }
        return nil
    }

    /// The second and later declarations of the same group/kind/namespace/name.
    func duplicates(_ manifests: [Manifest]) -> [ValidationFinding] {
        var first: [String: Manifest] = [:]
        var out: [ValidationFinding] = []
        for m in manifests where !m.kind.isEmpty && !m.name.isEmpty {
            let ref = m.ref
            let key = "\(ref.group)\u{0}\(ref.kind)\u{0}\(ref.namespace)\u{0}\(ref.name)"
            if let earlier = first[key] {
                out.append(
                    place(
                        .error(.duplicateObject, "metadata.name",
                            "duplicate object \(ref): already declared at \(earlier.source)"), in: m))
            } else {
                first[key] = m
            }
        }
        return out
    }

    /// Metric templateRefs and alert providerRefs that name no object among the manifests.
    func dangling(_ manifests: [Manifest]) -> [ValidationFinding] {
        func names(_ kind: String) -> Set<String> {
            Set(manifests.filter { $0.apiVersion == FlaggerCRDSchema.servedVersion && $0.kind == kind }
                .map { "\($0.namespace)/\($0.name)" })
        }
        let templates = names("MetricTemplate")
        let providers = names("AlertProvider")
        var out: [ValidationFinding] = []
        for m in manifests where m.apiVersion == FlaggerCRDSchema.servedVersion && m.kind == "Canary" {
            let analysis = m.object["spec", "analysis"]
            for (i, metric) in (analysis?["metrics"]?.arrayValue ?? []).enumerated() {
                guard let name = metric["templateRef", "name"]?.stringValue else { continue }
                let ns = metric["templateRef", "namespace"]?.stringValue ?? m.namespace
                guard !templates.contains("\(ns)/\(name)") else { continue }
                out.append(
                    place(
                        .warning(.templateRefNotFound, "spec.analysis.metrics[\(i)].templateRef",
                            "MetricTemplate \(ns.isEmpty ? "" : ns + "/")\(name) is not among the validated files"), in: m))
            }
            for (i, alert) in (analysis?["alerts"]?.arrayValue ?? []).enumerated() {
                guard let name = alert["providerRef", "name"]?.stringValue else { continue }
                let ns = alert["providerRef", "namespace"]?.stringValue ?? m.namespace
                guard !providers.contains("\(ns)/\(name)") else { continue }
                out.append(
                    place(
                        .warning(.providerRefNotFound, "spec.analysis.alerts[\(i)].providerRef",
                            "AlertProvider \(ns.isEmpty ? "" : ns + "/")\(name) is not among the validated files"), in: m))
            }
        }
        return out
    }
}

extension ValidationFinding {
    /// File, then line, then errors before warnings, then path.
    static func sourceOrder(_ a: ValidationFinding, _ b: ValidationFinding) -> Bool {
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.line != b.location.line { return a.location.line < b.location.line }
        if a.severity != b.severity { return a.severity < b.severity }
        if a.path != b.path { return a.path < b.path }
        return a.message < b.message
    }
}
