/// The result of validating a set of files: counts, findings, and their text and JSON renderings.
///
/// Built by ``ValidationReport/validate(files:decoder:)`` from file contents, so the command that walks
/// directories stays a thin shell around it.
public struct ValidationReport: Sendable {
    /// One input file: the path as shown in messages, and its bytes.
    public struct File: Sendable {
        /// Path shown in findings.
        public var path: String
        /// The file's contents.
        public var bytes: [UInt8]
        /// Creates an input file.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Files read.
    public var fileCount: Int
    /// Objects decoded.
    public var objectCount: Int
    /// Every finding, in file/line order.
    public var findings: [ValidationFinding]

    /// Creates a report.
    public init(fileCount: Int, objectCount: Int, findings: [ValidationFinding]) {
        self.fileCount = fileCount
        self.objectCount = objectCount
        self.findings = findings
    }

    /// Decodes every file, validates all objects together (duplicates and references span files) and collects
    /// decoding errors as findings. Never throws: a broken file becomes one `decode` error.
    public static func validate(files: [File], decoder: ManifestDecoder = ManifestDecoder()) -> ValidationReport {
        var manifests: [Manifest] = []
        var findings: [ValidationFinding] = []
        for file in files {
            do {
                manifests += try decoder.decode(file.bytes, file: file.path)
            } catch {
                findings.append(
                    ValidationFinding(
                        severity: .error, location: SourceLocation(file: error.location.file, line: error.location.line),
                        path: "", message: column(error) + error.message, rule: .decode))
            }
        }
        findings += ManifestValidator().validate(manifests)
        findings.sort(by: ValidationFinding.sourceOrder)
        return ValidationReport(fileCount: files.count, objectCount: manifests.count, findings: findings)
    }

    private static func column(_ error: ManifestDecodingError) -> String {
        error.location.column > 0 ? "column \(error.location.column): " : ""
    }

    /// Number of errors.
    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    /// Number of warnings.
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }
    /// Whether any finding is an error.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    /// `3 files, 12 objects: 2 errors, 1 warning`.
    public var summary: String {
        "\(plural(fileCount, "file")), \(plural(objectCount, "object")): \(plural(errorCount, "error")), \(plural(warningCount, "warning"))"
    }

    /// One line per finding, then the summary line; each line ends with a newline.
    public var text: String {
        findings.map { $0.line + "\n" }.joined() + summary + "\n"
    }

    /// `{"files":N,"objects":N,"errors":N,"warnings":N,"findings":[...]}`.
    public var json: JSONValue {
        .object(JSONObject([
            ("files", .int(Int64(fileCount))), ("objects", .int(Int64(objectCount))),
            ("errors", .int(Int64(errorCount))), ("warnings", .int(Int64(warningCount))),
            ("findings", .array(findings.map(\.json))),
        ]))
    }

    private func plural(_ n: Int, _ word: String) -> String { n == 1 ? "1 \(word)" : "\(n) \(word)s" }
}
