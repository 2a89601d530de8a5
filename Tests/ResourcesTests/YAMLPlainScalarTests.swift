import Testing
import Yams
import TestSupport

@testable import Resources

/// ``YAMLPlainScalar`` must resolve every plain scalar exactly as Yams' default (regex) resolver did.
@Suite struct YAMLPlainScalarTests {
    /// Yams' own answer: an untagged plain scalar resolved by `Resolver.default`.
    private func yams(_ text: String) -> YAMLPlainScalar {
        switch Resolver.default.resolveTag(of: Node(text, .implicit, .plain)) {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .merge: return .merge
        default: return .string
        }
    }

    @Test func namedForms() {
        let cases: [(String, YAMLPlainScalar)] = [
            ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("nULL", .string),
            ("yes", .bool), ("No", .bool), ("ON", .bool), ("off", .bool), ("True", .bool), ("tRue", .string),
            ("y", .string), ("0", .int), ("-0", .int), ("0b101", .int), ("0o17", .int), ("017", .int), ("0x1F", .int),
            ("1_000", .int), ("1:30", .int), ("8080:80", .string), ("8080:59", .int), ("019", .float), ("1.5", .float), ("1e3", .float),
            (".5", .float), ("-.5", .string), (".5e+3", .float), (".5e3", .string), ("+.inf", .float), (".NaN", .float),
            ("-.nan", .string), ("1:30.5", .float), ("<<", .merge), ("=", .string), ("2024-01-01", .string),
            ("1.2.3", .string), ("v1", .string), ("apps/v1", .string), ("0x", .string), ("0o", .string), ("-", .string),
        ]
        for (text, expected) in cases {
            #expect(YAMLPlainScalar.resolve(text) == expected, "\(text)")
            #expect(yams(text) == expected, "Yams disagrees with the table on \(text)")
        }
    }

    @Test func decodedValuesKeepTheirTypes() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            spec:
              plainInt: 0x1F
              sexagesimal: 1:30
              octal: 017
              float: 1.5e3
              yes: on
              nothing: ~
              empty:
              tagged: !!str 123
              quotedInt: !!int "5"
              taggedBool: !!bool Yes
              timestamp: 2024-01-01
              ~: tilde key
              base: &b {x: 1}
              merged:
                <<: *b
                y: 2
            """
        let spec = try #require(try ManifestDecoder().decode(yaml: yaml, file: "t.yaml").first?.object["spec"])
        #expect(spec["plainInt"] == .int(31))
        #expect(spec["sexagesimal"] == .int(90))
        #expect(spec["octal"] == .int(15))
        #expect(spec["float"] == .double(1500))
        #expect(spec["yes"] == .bool(true))
        #expect(spec["nothing"] == .null)
        #expect(spec["empty"] == .null)
        #expect(spec["tagged"] == .string("123"))
        #expect(spec["quotedInt"] == .string("5"))
        #expect(spec["taggedBool"] == .bool(true))
        #expect(spec["timestamp"] == .string("2024-01-01"))
        #expect(spec["null"] == .string("tilde key"))
        #expect(spec["merged"] == .object(JSONObject([("y", .int(2)), ("x", .int(1))])))
    }

    /// The one documented change: with Yams' rule-less resolver, a plain and a quoted key of the same text are the
    /// same key (they overwrote each other in the JSON object before).
    @Test func plainAndQuotedKeysOfTheSameTextAreDuplicates() {
        #expect(throws: ManifestDecodingError.self) {
            try ManifestDecoder().decode(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  1: a\n  \"1\": b\n", file: "d.yaml")
        }
    }

    @Test func everyShortStringMatchesYams() {
        let alphabet = Array("019_.:+-eExobnNulyYtT~<a")
        var mismatches: [String] = []
        func check(_ text: String) {
            if YAMLPlainScalar.resolve(text) != yams(text) { mismatches.append(text) }
        }
        var current: [String] = [""]
        for _ in 1...3 {
            var next: [String] = []
            for prefix in current {
                for c in alphabet { next.append(prefix + String(c)) }
            }
            next.forEach(check)
            current = next
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(20))")
    }

    @Test func longerNumberLikeStringsMatchYams() {
        let alphabet = Array("0123456789_.:+-eEx")
        var generator = SeededGenerator(seed: 0x5EED)
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 9) + 4
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            if YAMLPlainScalar.resolve(text) != yams(text) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(20))")
    }
}
