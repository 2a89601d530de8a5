import Foundation
import Testing
@testable import Resources

/// The compatibility corpus: GitCanary must split it exactly as Flagger's CRD schema does
/// (Fixtures/corpus-expectations.tsv, generated independently by scripts/flagger-schema.py with Python jsonschema).
@Suite struct CorpusTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var verdict: String
        var file: String
        /// SHA-256 of PyYAML's parse in canonical JSON (an independent YAML reading of the same document).
        var pyyamlSHA256: String
        var testDescription: String { "\(verdict) \(file)" }
    }

    static let fixtures: URL? = Bundle.module.url(forResource: "Fixtures", withExtension: nil)

    static let expectations: [Expectation] = {
        guard let url = fixtures?.appendingPathComponent("corpus-expectations.tsv"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3 else { return nil }
            return Expectation(verdict: String(fields[0]), file: String(fields[1]), pyyamlSHA256: String(fields[2]))
        }
    }()

    static func manifest(_ file: String) throws -> Manifest {
        let url = try #require(fixtures).appendingPathComponent("corpus").appendingPathComponent(file)
        let bytes = try [UInt8](Data(contentsOf: url))
        let manifests = try ManifestDecoder().decode(bytes, file: file)
        try #require(manifests.count == 1, "each corpus file holds one document")
        return manifests[0]
    }

    @Test func expectationCounts() {
        let counts = Dictionary(grouping: CorpusTests.expectations, by: \.verdict).mapValues(\.count)
        #expect(counts["accept"] == 142)
        #expect(counts["reject"] == 27)
        #expect(counts["legacy"] == 2)
        #expect(CorpusTests.expectations.count == 172)
    }

    @Test(arguments: CorpusTests.expectations.filter { $0.verdict == "accept" })
    func acceptedDocumentsValidateAndRoundTrip(_ e: Expectation) throws {
        let m = try CorpusTests.manifest(e.file)
        let errors = ManifestValidator().validate(m).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.line))")
        let text = JSONWriter.string(m.object)
        #expect(try JSONParser.parse(text) == m.object)
        let pretty = JSONWriter.string(m.object, options: JSONWriter.Options(sortedKeys: true, pretty: true))
        #expect(try JSONParser.parse(pretty) == m.object)
        switch m.kind {
        case "Canary":
            let canary = try Canary(manifest: m)
            #expect(canary.name == m.name)
            // Typed round trip keeps every field the model knows.
            let back = try JSONCoding.encode(canary)
            #expect(back["spec", "targetRef"] == m.object["spec", "targetRef"])
        case "MetricTemplate": _ = try MetricTemplate(json: m.object)
        case "AlertProvider": _ = try AlertProvider(json: m.object)
        default: Issue.record("unexpected kind \(m.kind)")
        }
    }

    @Test(arguments: CorpusTests.expectations.filter { $0.verdict == "reject" })
    func rejectedDocumentsGetAnError(_ e: Expectation) throws {
        let m = try CorpusTests.manifest(e.file)
        let findings = ManifestValidator().validate(m)
        #expect(findings.contains { $0.severity == .error })
        for f in findings {
            #expect(f.location.file == e.file)
            #expect(f.location.line > 0)
        }
    }

    @Test(arguments: CorpusTests.expectations.filter { $0.verdict == "legacy" })
    func legacyDocumentsGetTheMigrationMessage(_ e: Expectation) throws {
        let m = try CorpusTests.manifest(e.file)
        let legacy = ManifestValidator().validate(m).filter { $0.rule == .legacyAPIVersion }
        #expect(legacy.count == 1)
        #expect(legacy.first?.severity == .error)
        #expect(legacy.first?.message.contains("to migrate: set apiVersion: flagger.app/v1beta1") == true)
        if m.kind == "Canary" {
            #expect(legacy.first?.message.contains("rename spec.canaryAnalysis to spec.analysis") == true)
        }
    }

    /// GitCanary's YAML decoding equals PyYAML's for every corpus document (canonical JSON compared by SHA-256).
    @Test func decodingAgreesWithPyYAML() throws {
        var mismatches: [String] = []
        for e in CorpusTests.expectations {
            let m = try CorpusTests.manifest(e.file)
            if SpecHash.of(m.object) != e.pyyamlSHA256 { mismatches.append(e.file) }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(CorpusTests.expectations.count == 172)
    }

    @Test func placeholderDocumentsDecodeAndValidateWithoutCrashing() throws {
        for e in CorpusTests.expectations where e.verdict == "placeholder" {
            let m = try CorpusTests.manifest(e.file)
            _ = ManifestValidator().validate(m)
        }
    }

    /// The schema compiled into Resources is exactly the CRD's (minus descriptions).
    @Test func generatedSchemaMatchesTheCRD() throws {
        let url = try #require(CorpusTests.fixtures).appendingPathComponent("flagger-crd.yaml")
        let crds = try ManifestDecoder().decode([UInt8](Data(contentsOf: url)), file: "flagger-crd.yaml")
        #expect(crds.count == 3)
        for crd in crds {
            let kind = try #require(crd.object["spec", "names", "kind"]?.stringValue)
            let version = try #require(crd.object["spec", "versions"]?.arrayValue?.first { $0["name"] == "v1beta1" })
            let schema = try #require(version["schema", "openAPIV3Schema"])
            #expect(FlaggerCRDSchema.flaggerSchema(forKind: kind) == stripDescriptions(schema), "\(kind)")
        }
    }

    private func stripDescriptions(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            var out = JSONObject()
            for (k, child) in o {
                if k == "description", child.objectValue == nil { continue }
                out[k] = stripDescriptions(child)
            }
            return .object(out)
        case .array(let a): return .array(a.map(stripDescriptions))
        default: return v
        }
    }

    /// The whole corpus validated together: duplicates across files are found, nothing crashes.
    @Test func wholeCorpusAsOneSet() throws {
        let dir = try #require(CorpusTests.fixtures).appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let files = try names.map { ValidationReport.File(path: $0, bytes: try [UInt8](Data(contentsOf: dir.appendingPathComponent($0)))) }
        let report = ValidationReport.validate(files: files)
        #expect(report.fileCount == 172)
        #expect(report.objectCount == 172)
        #expect(report.findings.contains { $0.rule == .duplicateObject })
        #expect(!report.findings.contains { $0.rule == .decode })
    }
}
