import Foundation
import Resources
import Testing
import TestSupport

/// Golden files: generated objects as pretty JSON with sorted keys under `Golden/<router>/<case>.json`.
/// `GITCANARY_UPDATE_GOLDEN=1 swift test` rewrites them (review the diff against flagger-behaviour.md §6).
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func text(_ objects: [JSONValue]) -> String {
        JSONWriter.string(.array(objects), options: JSONWriter.Options(sortedKeys: true, pretty: true)) + "\n"
    }

    /// Compares (or rewrites) a golden file; records an issue on a difference or a missing file.
    static func check(_ objects: [JSONValue], _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".json")
        let actual = text(objects)
        if ProcessInfo.processInfo.environment["GITCANARY_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name).json (run with GITCANARY_UPDATE_GOLDEN=1)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "golden \(name).json differs", sourceLocation: sourceLocation)
    }

    /// Validates generated objects against the published CRD schema of their kind, when one is in Fixtures.
    static func validate(_ objects: [JSONValue], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for o in objects {
            let m = Manifest(object: o)
            let file = fixtures.appendingPathComponent("schemas/\(m.kind)-\(m.apiVersion.replacingOccurrences(of: "/", with: "-")).json")
            guard let bytes = try? Data(contentsOf: file), let schema = try? JSONParser.parse([UInt8](bytes)) else { continue }
            let problems = StructuralSchemaChecker.problems(o, schema: schema)
            #expect(problems.isEmpty, "\(m.ref): \(problems)", sourceLocation: sourceLocation)
        }
    }

    /// How many objects had a schema to validate against.
    static func hasSchema(_ o: JSONValue) -> Bool {
        let m = Manifest(object: o)
        return FileManager.default.fileExists(atPath: fixtures.appendingPathComponent(
            "schemas/\(m.kind)-\(m.apiVersion.replacingOccurrences(of: "/", with: "-")).json").path)
    }
}
