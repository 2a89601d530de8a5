/// How serious a finding is.
public enum ValidationSeverity: String, Sendable, Hashable, Codable, Comparable {
    /// The object would be rejected by Flagger's API server or cannot work; `validate` exits 1.
    case error
    /// Worth a look, but the object is accepted (a missing reference, a value Flagger clamps, an unsupported feature).
    case warning

    /// Errors order before warnings.
    public static func < (lhs: ValidationSeverity, rhs: ValidationSeverity) -> Bool {
        lhs == .error && rhs == .warning
    }
}

/// One problem found in a manifest: where, what, and which rule found it.
public struct ValidationFinding: Sendable, Hashable {
    /// Error or warning.
    public var severity: ValidationSeverity
    /// File and line of the offending field (or of the document when the field is absent).
    public var location: SourceLocation
    /// JSON path of the field, e.g. `spec.analysis.stepWeights[2]`; empty for file-level problems.
    public var path: String
    /// What is wrong and, where useful, what to do.
    public var message: String
    /// The rule that produced the finding (see docs/validation.md).
    public var rule: ValidationRule
    /// The object, when the finding belongs to one.
    public var object: ObjectRef?

    /// Creates a finding.
    public init(
        severity: ValidationSeverity, location: SourceLocation, path: String, message: String, rule: ValidationRule,
        object: ObjectRef? = nil
    ) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
        self.rule = rule
        self.object = object
    }

    /// `file:line: error: message (json.path)`, the line `gitcanary validate` prints.
    public var line: String {
        let place = location.line > 0 ? "\(location.file):\(location.line)" : location.file
        let suffix = path.isEmpty ? "" : " (\(path))"
        return "\(place): \(severity.rawValue): \(message)\(suffix)"
    }

    /// The finding as a JSON object (for `--output json`).
    public var json: JSONValue {
        var o = JSONObject()
        o["file"] = .string(location.file)
        o["line"] = .int(Int64(location.line))
        o["severity"] = .string(severity.rawValue)
        o["rule"] = .string(rule.rawValue)
        o["path"] = .string(path)
        o["message"] = .string(message)
        if let object {
            o["object"] = .object(JSONObject([
                ("apiVersion", .string(object.apiVersion)), ("kind", .string(object.kind)),
                ("namespace", .string(object.namespace)), ("name", .string(object.name)),
            ]))
        }
        return .object(o)
    }
}

/// A finding before it is placed in a file: severity, JSON path, message and rule.
struct Problem: Sendable, Hashable {
    var severity: ValidationSeverity
    var path: String
    var message: String
    var rule: ValidationRule

    static func error(_ rule: ValidationRule, _ path: String, _ message: String) -> Problem {
        Problem(severity: .error, path: path, message: message, rule: rule)
    }
    static func warning(_ rule: ValidationRule, _ path: String, _ message: String) -> Problem {
        Problem(severity: .warning, path: path, message: message, rule: rule)
    }
}
