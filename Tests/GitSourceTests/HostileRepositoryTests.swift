import Foundation
import Resources
import Testing
import TestSupport

@testable import GitSource

/// A repository full of entries GitCanary must never follow or decode as manifests: symlinks (to a file outside
/// the repository, to a directory, in a loop), a submodule, binary and non-UTF-8 files with manifest names. Each
/// is reported with its path, never followed; the one good manifest is still read.
@Suite("Hostile repositories")
struct HostileRepositoryTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// (input, path the report must name, expected substring of its line)
    static let cases: [(input: String, path: String, expected: String)] = [
        ("symlink to a file outside the repository", "apps/passwd.yaml", "symlink to /etc/passwd (not followed)"),
        ("symlink to a directory", "apps/linked-dir", "symlink to good (not followed)"),
        ("symlink loop", "apps/loop-a.yaml", "symlink to loop-b.yaml (not followed)"),
        ("submodule", "apps/vendored", "submodule at "),
        ("binary file named .yaml (PNG)", "apps/logo.yaml", "binary content; not a YAML or JSON manifest"),
        ("binary file named .json (NUL bytes)", "apps/blob.json", "binary content"),
        ("non-UTF-8 bytes in a .yaml file", "apps/latin1.yaml:4", "byte 0xE9 is not UTF-8"),
        ("YAML syntax error in a second file", "apps/broken.yaml:4", "YAML syntax error"),
    ]

    @Test("every hostile entry is reported with its path; nothing is followed; good files are read")
    func table() async throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.write("apps/good/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: prod}\ndata: {a: b}\n")
        try fixture.symlink("apps/passwd.yaml", to: "/etc/passwd")
        try fixture.symlink("apps/linked-dir", to: "good")
        try fixture.symlink("apps/loop-a.yaml", to: "loop-b.yaml")
        try fixture.symlink("apps/loop-b.yaml", to: "loop-a.yaml")
        try fixture.write("apps/logo.yaml", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
        try fixture.write("apps/blob.json", bytes: [0x7B, 0, 0, 0, 0x7D])
        try fixture.write("apps/latin1.yaml", bytes: Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: latin, namespace: prod}\ndata: {k: caf".utf8) + [0xE9] + Array("}\n".utf8))
        try fixture.write("apps/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n")
        let first = try fixture.commit("Hostile tree")
        try fixture.git("update-index", "--add", "--cacheinfo", "160000,\(first),apps/vendored")
        try fixture.git("commit", "-q", "-m", "Add a submodule")
        let cache = try fixture.scratch("cache")
        let source = try GitSource(repository: fixture.work, ref: nil, path: "apps", cacheDirectory: cache,
                                   credentials: GitCredentials(), timeout: .seconds(20))
        let logger = CapturedLogs().logger
        let set = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)
        let lines = set.skipped.map(\.description) + set.errors.map(\.description)
        var records: [HostileInputRecord] = []
        for c in Self.cases {
            let line = lines.first { $0.hasPrefix(c.path + ":") && $0.contains(c.expected) }
            #expect(line != nil, "\(c.input): no line for \(c.path) containing \"\(c.expected)\" in\n\(lines.joined(separator: "\n"))")
            records.append(HostileInputRecord(input: c.input, error: line ?? "(not reported)"))
        }
        // Nothing behind a link is read (no /etc/passwd, no second copy of good/cm.yaml).
        #expect(set.manifests.refs.filter { $0 == "ConfigMap/prod/good" }.count == 1)
        #expect(!set.manifests.contains { $0.source.file.contains("passwd") || $0.source.file.contains("linked-dir") })
        try HostileInputDoc.record(section: "repository", title: "Repository entries (GitSource)",
                                   packageRoot: Self.packageRoot, records)
    }
}
