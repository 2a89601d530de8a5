import Foundation
import Testing
import TestSupport
@testable import Resources

/// Random and truncated bytes into the decoder and validator: findings, never a crash (seeded, reproducible).
@Suite struct FuzzTests {
    static func seeds() throws -> [[UInt8]] {
        var out: [[UInt8]] = [Array(ValidationRuleTests.base.utf8)]
        let dir = try #require(CorpusTests.fixtures).appendingPathComponent("corpus")
        for name in ["flagger__README__canary-podinfo.yaml", "flagger__artifacts__examples__istio-abtest__canary-podinfo.yaml",
            "flagger__docs__gitbook__usage__alerting__alertprovider-on-call.yaml"]
        {
            out.append(try [UInt8](Data(contentsOf: dir.appendingPathComponent(name))))
        }
        if let m = try ManifestDecoder().decode(out[0], file: "x.yaml").first {
            out.append(JSONWriter.bytes(m.object, options: JSONWriter.Options(pretty: true)))
        }
        return out
    }

    @Test func truncatedInputNeverCrashes() throws {
        for (n, seed) in try FuzzTests.seeds().enumerated() {
            for cut in stride(from: 0, through: seed.count, by: max(1, seed.count / 60)) {
                let bytes = Array(seed[..<cut])
                for file in ["t\(n).yaml", "t\(n).json"] {
                    let r = ValidationReport.validate(files: [ValidationReport.File(path: file, bytes: bytes)])
                    #expect(r.fileCount == 1)
                    for f in r.findings { #expect(f.location.file == file) }
                }
            }
        }
    }

    @Test func mutatedInputNeverCrashes() throws {
        var rng = SeededGenerator(seed: 20261122)
        let seeds = try FuzzTests.seeds()
        let alphabet = Array(":-[]{}#&*!|>'\"%@`,? \n\t0123456789.eE+-~nulltrue".utf8)
        var errors = 0
        for i in 0..<400 {
            var bytes = seeds[i % seeds.count]
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[at] = alphabet.randomElement(using: &rng) ?? 0x20
                case 2: bytes.insert(alphabet.randomElement(using: &rng) ?? 0x20, at: at)
                default: bytes.remove(at: at)
                }
            }
            let file = i % 5 == 4 ? "m\(i).json" : "m\(i).yaml"
            let r = ValidationReport.validate(files: [ValidationReport.File(path: file, bytes: bytes)])
            errors += r.errorCount
            _ = r.text
            _ = JSONWriter.string(r.json)
        }
        #expect(errors > 0, "mutations must produce findings, or the test is not exercising anything")
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 99)
        for i in 0..<200 {
            let length = Int.random(in: 0...512, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let file = i % 2 == 0 ? "r\(i).yaml" : "r\(i).json"
            let r = ValidationReport.validate(files: [ValidationReport.File(path: file, bytes: bytes)])
            #expect(r.fileCount == 1)
        }
    }

    /// Well-formed documents with every value replaced by a wrong type: each is reported, none crashes.
    @Test func wrongTypesEverywhere() throws {
        let m = try #require(try ManifestDecoder().decode(yaml: ValidationRuleTests.base, file: "c.yaml").first)
        let replacements: [JSONValue] = [.null, .bool(true), .int(-1), .double(1.5), .string("x"), .array([]), .object(JSONObject())]
        var paths: [[String]] = []
        func collect(_ v: JSONValue, _ prefix: [String]) {
            guard let o = v.objectValue else { return }
            for (k, child) in o {
                paths.append(prefix + [k])
                collect(child, prefix + [k])
            }
        }
        collect(m.object, [])
        for path in paths {
            for r in replacements {
                var object = m.object
                object.set(r, at: path)
                _ = ManifestValidator().validate(Manifest(object: object, source: m.source, sourceMap: m.sourceMap))
            }
        }
        var broken = m.object
        broken.set(.int(3), at: ["spec", "analysis"])
        let findings = ManifestValidator().validate(Manifest(object: broken, source: m.source, sourceMap: m.sourceMap))
        #expect(findings.contains { $0.path == "spec.analysis" && $0.rule == .schemaType })
    }
}
