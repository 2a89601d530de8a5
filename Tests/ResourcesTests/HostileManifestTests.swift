import Foundation
import Resources
import Testing
import TestSupport

/// Hostile manifests: each gives a clear finding that names the file (file:line) and its object, and nothing crashes.
@Suite("Hostile manifests")
struct HostileManifestTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("every case gives its error at its location")
    func table() throws {
        var records: [HostileInputRecord] = []
        for c in HostileManifests.cases {
            let report = ValidationReport.validate(files: c.files)
            let match = report.findings.first { f in
                f.severity == c.severity && f.line.hasPrefix(c.location) && f.line.contains(c.expected)
            }
            #expect(match != nil, "\(c.input): expected \(c.severity) at \(c.location) containing \"\(c.expected)\"; got:\n\(report.text)")
            records.append(HostileInputRecord(input: c.input, error: match?.line ?? report.findings.first?.line ?? "(no finding)"))
        }
        #expect(HostileManifests.cases.count >= 38)
        try HostileInputDoc.record(section: "manifests", title: "Manifests (gitcanary validate, the run's decode)",
                                   packageRoot: Self.packageRoot, records)
    }
}
