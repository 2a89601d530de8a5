import Foundation
import Resources
import Testing
import TestSupport

@testable import GitSource

/// The decoded-manifest cache: an unchanged file is never decoded twice, and what it serves is exactly what decoding
/// gives (objects, field order, files and lines), never a stale or misplaced manifest.
@Suite("Decoded-manifest cache")
struct DecodedCacheTests {
    /// Every manifest as text: its location, its source map and its object in written order.
    static func fingerprint(_ set: ManifestSet) -> [String] {
        set.manifests.map { m in
            var json = JSONWriter.string(m.object)
            json += " @\(m.source) " + m.sourceMap.lines.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return json
        }
    }

    static func cacheFiles(_ setup: LocalSetup) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: setup.cache).filter { $0.contains(".decoded-") && !$0.contains(".tmp-") }
    }

    @Test("a second read of the same commit decodes only the broken files and gives the same manifests, errors and lines")
    func reuse() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source()
        let revision = try await source.fetch(logger: logger).revision
        let first = try await source.manifests(at: revision, logger: logger)
        // 8 good files (kustomized ones included) and bad.yaml; binary.yaml is refused before decoding.
        #expect(first.filesDecoded == 8)
        #expect(first.filesReused == 0)
        #expect(try Self.cacheFiles(setup).count == 1)

        let second = try await source.manifests(at: revision, logger: logger)
        #expect(second.filesReused == 7)
        #expect(second.filesDecoded == 1, "bad.yaml is decoded, and reported, every time")
        #expect(Self.fingerprint(second) == Self.fingerprint(first))
        #expect(second.errors == first.errors)
        #expect(second.skipped == first.skipped)
        let canary = try #require(second.manifests.first { $0.kind == "Canary" })
        #expect(canary.location(of: "spec.targetRef").description == "apps/podinfo/service.yml:13")
    }

    @Test("a changed file is decoded again, a moved one cites its new path, and the cache keeps only this read's files")
    func changes() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "apps/podinfo")
        _ = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)

        try setup.fixture.write("apps/podinfo/deployment.yaml", StandardTree.deployment.replacingOccurrences(of: "replicas: 2", with: "replicas: 5"))
        _ = try setup.fixture.git("mv", "apps/podinfo/config.json", "apps/podinfo/settings.json")
        _ = try setup.fixture.commit("scale and rename")
        let set = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)
        #expect(set.filesDecoded == 2)
        #expect(set.filesReused == 1)
        let deployment = try #require(set.manifests.first { $0.kind == "Deployment" })
        #expect(deployment.object["spec", "replicas"] == .int(5))
        let moved = try #require(set.manifests.first { $0.kind == "ConfigMap" })
        #expect(moved.source.file == "apps/podinfo/settings.json")

        let file = try #require(try Self.cacheFiles(setup).first)
        let entries = try DecodedCache.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: setup.cache + "/" + file))), readPath: "apps/podinfo")
        #expect(Set(entries.keys.map(\.file)) == ["apps/podinfo/deployment.yaml", "apps/podinfo/service.yml", "apps/podinfo/settings.json"])
    }

    @Test("each manifest read from a file carries a content id: equal while its file's blob is, whether decoded or cached")
    func contentIDs() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "apps/podinfo")
        func ids() async throws -> [String: String] {
            let set = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)
            return Dictionary(uniqueKeysWithValues: set.manifests.map { ("\($0.kind)/\($0.name)", $0.contentID ?? "none") })
        }
        let decoded = try await ids()
        #expect(!decoded.values.contains("none"))
        #expect(Set(decoded.values).count == decoded.count, "one id per manifest")
        #expect(decoded.values.allSatisfy { $0.hasPrefix("apps/podinfo/") })
        let cached = try await ids()
        #expect(cached == decoded)
        try setup.fixture.write("apps/podinfo/deployment.yaml", StandardTree.deployment.replacingOccurrences(of: "replicas: 2", with: "replicas: 5"))
        _ = try setup.fixture.commit("scale")
        let changed = try await ids()
        let deployment = try #require(decoded.keys.first { $0.hasPrefix("Deployment/") })
        #expect(changed[deployment] != decoded[deployment])
        for key in decoded.keys where key != deployment { #expect(changed[key] == decoded[key], "\(key)") }
    }

    @Test("a damaged, truncated or foreign cache file is ignored and replaced", arguments: ["garbage", "truncated", "version"])
    func damaged(_ damage: String) async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "apps/podinfo")
        let revision = try await source.fetch(logger: logger).revision
        let first = try await source.manifests(at: revision, logger: logger)
        let path = setup.cache + "/" + (try #require(try Self.cacheFiles(setup).first))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        switch damage {
        case "garbage": bytes = Array("not a cache at all".utf8)
        case "truncated": bytes.removeLast(bytes.count / 3)
        default: bytes[4] = UInt8(ManifestArchive.version + 1)  // the version right after the magic
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let second = try await source.manifests(at: revision, logger: logger)
        #expect(second.filesReused == 0)
        #expect(second.filesDecoded == 3)
        #expect(Self.fingerprint(second) == Self.fingerprint(first))
        let third = try await source.manifests(at: revision, logger: logger)
        #expect(third.filesReused == 3, "the damaged file was replaced")
    }

    @Test("each read path has its own cache file")
    func paths() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source()
        let revision = try await source.fetch(logger: logger).revision
        _ = try await source.manifests(at: revision, logger: logger)
        _ = try await source.manifests(at: revision, path: "apps/podinfo", logger: logger)
        #expect(try Self.cacheFiles(setup).count == 2)
        let again = try await source.manifests(at: revision, path: "apps/podinfo", logger: logger)
        #expect(again.filesReused == 3)
    }
}
