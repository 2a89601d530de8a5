import Foundation
import Testing
import TestSupport
@testable import Resources

/// The binary archive of decoded manifests: a lossless round trip, no trap on damaged bytes, and a pinned digest
/// that fails when the decoder's output changes without ``ManifestArchive/version`` changing.
@Suite struct ManifestArchiveTests {
    /// Every decodable corpus file, in name order, decoded.
    static func corpus() throws -> [Manifest] {
        let dir = try #require(CorpusTests.fixtures).appendingPathComponent("corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        var out: [Manifest] = []
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(file)))
            out += (try? ManifestDecoder().decode(bytes, file: file)) ?? []
        }
        return out
    }

    static func text(_ manifests: [Manifest]) -> [String] {
        manifests.map { m in
            JSONWriter.string(m.object) + " @\(m.source):\(m.source.column) "
                + m.sourceMap.lines.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    @Test("the corpus survives a round trip: objects in field order, files, lines, columns and source maps")
    func roundTrip() throws {
        let manifests = try Self.corpus()
        #expect(manifests.count > 150)
        var bytes: [UInt8] = []
        ManifestArchive.encode(manifests, into: &bytes)
        let back = try ManifestArchive.decode(bytes[...])
        #expect(back == manifests)
        #expect(Self.text(back) == Self.text(manifests))
    }

    @Test("scalars at their edges")
    func scalars() throws {
        let values: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(0), .int(-1), .int(.max), .int(.min), .double(-0.0), .double(1e300),
            .double(.infinity), .double(-2.5), .string(""), .string("ünïcödé ✓ 🐤"), .string(String(repeating: "x", count: 300)),
            .array([]), .object(JSONObject()), .array([.array([.object(JSONObject([("z", .int(1)), ("a", .null)]))])]),
        ]
        let manifest = Manifest(object: .object(JSONObject([("v", .array(values))])), source: SourceLocation(file: "f.yaml", line: 7, column: 3))
        var bytes: [UInt8] = []
        ManifestArchive.encode([manifest], into: &bytes)
        let back = try ManifestArchive.decode(bytes[...])
        #expect(back == [manifest])
        #expect(back.first?.object["v"]?.arrayValue?[7] == .double(-0.0))
        #expect(back.first?.object["v"]?.arrayValue?[7].doubleValue?.sign == .minus)
    }

    @Test("every truncation and random damage throws or decodes; nothing traps")
    func damage() throws {
        let manifests = Array(try Self.corpus().prefix(3))
        var bytes: [UInt8] = []
        ManifestArchive.encode(manifests, into: &bytes)
        for n in 0..<bytes.count {
            #expect(throws: ManifestArchiveError.self) { try ManifestArchive.decode(bytes[..<n]) }
        }
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? ManifestArchive.decode(damaged[...])
        }
        #expect(throws: ManifestArchiveError.self) { try ManifestArchive.decode(bytes + [0]) }
    }

    /// The SHA-256 of the corpus' archive at ``ManifestArchive/version``. When this test fails, the decoder's output
    /// (or the layout) changed: bump ``ManifestArchive/version``, so caches written by older builds are not served,
    /// and record the new digest and version here.
    static let pinned = (version: 1, sha256: "8b1adbb7d823764aa055f4b605c10ca2b1896decbd8edc55f93d19d2bbd44966")

    @Test("the decoder's output for the corpus is pinned to the archive version")
    func pinnedDigest() throws {
        var bytes: [UInt8] = []
        ManifestArchive.encode(try Self.corpus(), into: &bytes)
        let digest = SHA256.hash(bytes).map { String(format: "%02x", $0) }.joined()
        #expect(ManifestArchive.version == Self.pinned.version && digest == Self.pinned.sha256,
                "the decoded corpus changed (sha256 \(digest)): bump ManifestArchive.version and pin the new digest")
    }
}
