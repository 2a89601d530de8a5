import Foundation
import Testing
import TestSupport
@testable import Resources

/// The direct decoder is a strict subset of Foundation's: wherever it decodes, Foundation's decoder gives the same
/// value; wherever Foundation's fails, it fails too (so ``JSONCoding`` falls back and the error is Foundation's).
@Suite struct JSONValueDecoderTests {
    /// Every Flagger object of the corpus and the hostile cases, decoded both ways.
    static func objects() throws -> [JSONValue] {
        var out = try ManifestArchiveTests.corpus().map(\.object)
        for c in HostileManifests.cases {
            for f in c.files {
                out += ((try? ManifestDecoder().decode(f.bytes, file: f.path)) ?? []).map(\.object)
            }
        }
        return out.filter { ["Canary", "MetricTemplate", "AlertProvider"].contains($0["kind"]?.stringValue ?? "") }
    }

    static func check<T: Decodable & Equatable>(_ type: T.Type, _ value: JSONValue) -> (fast: Bool, agree: Bool) {
        let fast = try? JSONValueDecoder.decode(type, from: value)
        let reference = try? JSONCoding.foundationDecode(type, from: value)
        guard let fast else { return (false, true) }
        return (true, fast == reference)
    }

    @Test("corpus and hostile objects: the direct decoder agrees with Foundation's wherever it decodes")
    func agreement() throws {
        var fastCount = 0
        var referenceCount = 0
        var disagreements: [String] = []
        for object in try Self.objects() {
            let name = "\(object["kind"]?.stringValue ?? "")/\(object["metadata", "name"]?.stringValue ?? "")"
            let result: (fast: Bool, agree: Bool)
            switch object["kind"]?.stringValue {
            case "Canary": result = Self.check(Canary.self, object)
            case "MetricTemplate": result = Self.check(MetricTemplate.self, object)
            default: result = Self.check(AlertProvider.self, object)
            }
            if result.fast { fastCount += 1 }
            if !result.agree { disagreements.append(name) }
            if (try? JSONCoding.foundationDecode(Canary.self, from: object)) != nil, object["kind"] == .string("Canary") { referenceCount += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        // The fast path must be the common path, or it buys nothing.
        #expect(referenceCount > 80)
        #expect(fastCount >= referenceCount * 9 / 10, "direct decodes: \(fastCount) of \(referenceCount) decodable canaries")
    }

    struct Sample: Decodable, Equatable {
        var i: Int?
        var d: Double?
        var s: String?
        var b: Bool?
        var t: Date?
        var list: [Int8]?
        var map: [String: String]?
        var any: JSONValue?
    }

    @Test("exact types decode directly; every lenient or failing case goes to Foundation's decoder", arguments: [
        (#"{"i": 3, "d": 2, "s": "x", "b": true, "t": "2026-11-22T05:00:00Z", "list": [1, -2], "map": {"a": "b"}, "any": {"k": [1, null]}}"#, true),
        (#"{"d": 2.5}"#, true),
        (#"{"i": null, "s": null}"#, true),
        (#"{"i": 3.0}"#, false),
        (#"{"i": "3"}"#, false),
        (#"{"list": [300]}"#, false),
        (#"{"t": "yesterday"}"#, false),
        (#"{"b": 1}"#, false),
        (#"{"d": 9007199254740993}"#, false),
    ])
    func cases(_ json: String, _ direct: Bool) throws {
        let value = try JSONParser.parse(Array(json.utf8))
        let fast = try? JSONValueDecoder.decode(Sample.self, from: value)
        #expect((fast != nil) == direct)
        let reference = try? JSONCoding.foundationDecode(Sample.self, from: value)
        if let fast { #expect(fast == reference) }
        // Through JSONCoding the outcome is Foundation's either way.
        #expect((try? JSONCoding.decode(Sample.self, from: value)) == reference)
    }
}
