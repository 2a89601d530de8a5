import Foundation
import Testing
import TestSupport
@testable import Resources

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsVectors(input: String, expected: String) {
        #expect(SHA256.hex(Array(input.utf8)) == expected)
    }

    @Test func millionAs() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var h = SHA256()
        h.update(bytes[0..<63])
        h.update(bytes[63..<64])
        h.update(bytes[64...])
        #expect(h.finalize() == SHA256.hash(bytes))
    }

    /// Block-wise absorption: every split point of a 200-byte input (partial block, then whole blocks from the
    /// caller's storage, then a tail), and a non-contiguous sequence, give the one-shot digest.
    @Test func everySplitAndNonContiguousInput() {
        let bytes = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        let expected = SHA256.hash(bytes)
        for split in 0...bytes.count {
            var h = SHA256()
            h.update(bytes[..<split])
            h.update(bytes[split...])
            #expect(h.finalize() == expected, "split at \(split)")
        }
        var lazy = SHA256()
        lazy.update(bytes.lazy.map { $0 })
        #expect(lazy.finalize() == expected)
        #expect(SHA256.hex(String(decoding: bytes.filter { $0 < 128 }, as: UTF8.self).utf8)
            == SHA256.hex(bytes.filter { $0 < 128 }))
    }

    /// Every length around the block boundaries, against the system's `sha256sum`.
    @Test func matchesSha256sum() throws {
        let sha256sum = ["/usr/bin/sha256sum", "/bin/sha256sum"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tool = sha256sum else {
            Issue.record("sha256sum is not installed (coreutils)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var generator = SeededGenerator(seed: 42)
        var paths: [String] = []
        var expected: [String: String] = [:]
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let path = dir.appendingPathComponent("f\(length)").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            paths.append(path)
            expected[path] = SHA256.hex(bytes)
        }
        let out = dir.appendingPathComponent("out.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = paths
        process.standardOutput = try FileHandle(forWritingTo: out)
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOf: out, encoding: .utf8)
        var seen = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let path = String(parts[1].drop { $0 == " " || $0 == "*" })
            #expect(expected[path] == String(parts[0]), "length file \(path)")
            seen += 1
        }
        #expect(seen == paths.count)
    }
}

@Suite struct SpecHashTests {
    @Test func canonicalAndKeyOrderIndependent() throws {
        let a = try JSONParser.parse(#"{"b":[true,null,"x"],"a":1}"#)
        let b = try JSONParser.parse(#"{"a":1.0,"b":[true,null,"x"]}"#)
        #expect(SpecHash.of(a) == SpecHash.of(b))
        // SHA-256 of the canonical text {"a":1,"b":[true,null,"x"]} (computed with Python's hashlib).
        #expect(SpecHash.of(a) == "eca8cfb31ab74533e1eb2f4c74d2d55dfe3c79ac704787e54be8647ea7777eb1")
        #expect(SpecHash.of(a).count == 64)
    }

    @Test func deploymentHashesPodTemplateOnly() throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: podinfo, annotations: {fluxcd.io/sync: "1"}}
            spec:
              replicas: 2
              template:
                metadata: {labels: {app: podinfo}, creationTimestamp: null}
                spec: {containers: [{name: c, image: "podinfo:6.0.0"}]}
            """
        let d = try #require(try ManifestDecoder().decode(yaml: yaml, file: "d.yaml").first).object
        var scaled = d
        scaled.set(.int(0), at: ["spec", "replicas"])
        scaled.set(.string("2"), at: ["metadata", "annotations", "fluxcd.io/sync"])
        #expect(SpecHash.target(d) == SpecHash.target(scaled))
        var withoutNull = d
        withoutNull.set(nil, at: ["spec", "template", "metadata", "creationTimestamp"])
        #expect(SpecHash.target(d) == SpecHash.target(withoutNull))
        var newImage = d
        newImage.set(.array([.object(JSONObject([("name", "c"), ("image", "podinfo:6.0.1")]))]), at: ["spec", "template", "spec", "containers"])
        #expect(SpecHash.target(d) != SpecHash.target(newImage))
        var relabelled = d
        relabelled.set(.string("x"), at: ["spec", "template", "metadata", "labels", "version"])
        #expect(SpecHash.target(d) != SpecHash.target(relabelled))
    }

    @Test func daemonSetIgnoresScaleToZeroSelector() {
        let base: JSONValue = ["kind": "DaemonSet", "spec": ["template": ["spec": ["containers": []]]]]
        var parked = base
        parked.set(.object(JSONObject([("flagger.app/scale-to-zero", "true")])), at: ["spec", "template", "spec", "nodeSelector"])
        var emptySelector = base
        emptySelector.set(.object(JSONObject()), at: ["spec", "template", "spec", "nodeSelector"])
        #expect(SpecHash.target(base) == SpecHash.target(parked))
        #expect(SpecHash.target(base) == SpecHash.target(emptySelector))
        var other = base
        other.set(.object(JSONObject([("disk", "ssd")])), at: ["spec", "template", "spec", "nodeSelector"])
        #expect(SpecHash.target(base) != SpecHash.target(other))
        #expect(SpecHash.target(["kind": "Deployment", "spec": [:]]) == nil)
    }

    @Test func serviceHashesSpec() {
        let a: JSONValue = ["kind": "Service", "metadata": ["name": "a"], "spec": ["ports": [["port": 80]]]]
        var b = a
        b.set(.string("b"), at: ["metadata", "name"])
        #expect(SpecHash.target(a) == SpecHash.target(b))
        #expect(SpecHash.target(a) == SpecHash.of(["ports": [["port": 80]]]))
    }
}

@Suite struct ConfigChecksumTests {
    // Expected values: Python hashlib over the exact bytes Go's json.Marshal produces, first 8 bytes in hex.
    @Test func configMapMatchesFlagger() {
        #expect(ConfigChecksum.configMap(["kind": "ConfigMap"]) == "74234e98afe7498f")  // sha256("null")
        #expect(ConfigChecksum.configMap(["data": [:]]) == "74234e98afe7498f")
        let cm: JSONValue = ["data": ["b": "x<y & z>", "a": "1\n2"], "binaryData": ["bin": "AAAA"]]
        #expect(ConfigChecksum.goJSON([("b", "x<y & z>"), ("a", "1\n2")]) == Array(#"{"a":"1\n2","b":"x\u003cy \u0026 z\u003e"}"#.utf8))
        #expect(ConfigChecksum.configMap(cm) == "c9cd5b80dcabc37f")
        #expect(ConfigChecksum.configMap(["data": ["app.properties": "color=blue\nsize=3"]]) == "3efab19e7f397f27")
        #expect(ConfigChecksum.configMap(["data": ["é": "ü\u{2028}\u{8}"]]) == "ce6894d8b3ad8082")
        #expect(ConfigChecksum.configMap(cm).count == 16)
    }

    @Test func secretMatchesFlagger() {
        let secret: JSONValue = ["data": ["password": "czNjcjN0", "user": "YWRtaW4="]]
        #expect(ConfigChecksum.secret(secret) == "0b66b4a1026df054")
        let mixed: JSONValue = ["data": ["password": "b2xk"], "stringData": ["password": "s3cr3t", "user": "admin"]]
        #expect(ConfigChecksum.secret(mixed) == "0b66b4a1026df054")
        let unpadded: JSONValue = ["data": ["password": "czNjcjN0", "user": "YWRtaW4"]]
        #expect(ConfigChecksum.secret(unpadded) == "0b66b4a1026df054")
    }

    @Test func base64RoundTrips() {
        var generator = SeededGenerator(seed: 7)
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("admin".utf8)) == "YWRtaW4=")
        #expect(Base64.decode("not base64!") == nil)
    }
}

/// `RFC3339.parse`'s arithmetic path gives what Foundation's formatter gives, and leaves other forms to it.
@Suite struct RFC3339ParseTests {
    static func formatter(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    @Test(arguments: [
        "1970-01-01T00:00:00Z", "2026-01-02T03:04:05Z", "2000-02-29T23:59:59Z", "2100-03-01T00:00:00Z",
        "1999-12-31T23:59:59Z", "2030-06-15T12:30:45+02:00", "2030-06-15T12:30:45-07:30", "2024-02-29T00:00:00Z",
    ])
    func sameAsFormatter(text: String) throws {
        let fast = try #require(RFC3339.parseWholeSeconds(Array(text.utf8)), "\(text)")
        #expect(fast == Self.formatter(text), "\(text)")
        #expect(RFC3339.parse(text) == fast)
    }

    @Test func invalidAndOtherFormsAreLeftToTheFormatter() {
        for text in ["2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01 00:00:00Z",
                     "2026-01-01T00:00:00", "2026-01-01T00:00:00.5Z", "x026-01-01T00:00:00Z", "", "2026-11-22t01:02:03Z", "2024-02-29T00:00:00z"] {
            #expect(RFC3339.parseWholeSeconds(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(RFC3339.parse("2026-01-01T00:00:00.500Z") == Date(timeIntervalSince1970: 1_767_225_600.5))
        #expect(RFC3339.parse("not a time") == nil)
    }
}

/// `RFC3339.format` and `formatMicro` (arithmetic) write what Foundation's formatter writes, and parse back.
@Suite struct RFC3339FormatTests {
    static func formatter(_ date: Date, fractional: Bool = false) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    @Test func sameAsFormatterOverFourCenturies() {
        var generator = SystemRandomNumberGenerator()
        var instants: [TimeInterval] = [0, -1, 86_399, 86_400, 951_782_399, 951_868_800, 4_107_542_400, -2_208_988_800, 1_767_225_599]
        for _ in 0..<2_000 { instants.append(TimeInterval(Int.random(in: -6_000_000_000...12_000_000_000, using: &generator))) }
        for t in instants {
            let date = Date(timeIntervalSince1970: t)
            #expect(RFC3339.format(date) == Self.formatter(date), "\(t)")
            #expect(RFC3339.parse(RFC3339.format(date)) == date, "\(t)")
        }
    }

    @Test func fractionsAreTruncatedForTimeAndKeptToTheMicrosecondForMicroTime() {
        let date = Date(timeIntervalSince1970: 1_767_225_600.123456)
        #expect(RFC3339.format(date) == "2026-01-01T00:00:00Z")
        #expect(RFC3339.formatMicro(date) == "2026-01-01T00:00:00.123456Z")
        #expect(RFC3339.formatMicro(Date(timeIntervalSince1970: 1_767_225_600)) == "2026-01-01T00:00:00.000000Z")
        #expect(RFC3339.formatMicro(Date(timeIntervalSince1970: 1_767_225_599.9999996)) == "2026-01-01T00:00:00.000000Z")
        #expect(RFC3339.formatMicro(Date(timeIntervalSince1970: -0.25)) == "1969-12-31T23:59:59.750000Z")
        #expect(Self.formatter(date, fractional: true).hasPrefix(String(RFC3339.formatMicro(date).prefix(23))))
    }
}
