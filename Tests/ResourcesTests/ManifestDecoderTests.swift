import Testing
@testable import Resources

@Suite struct ManifestDecoderTests {
    @Test func decodesMultipleDocumentsWithLines() throws {
        let yaml = """
            # comment only
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
            data:
              enabled: "true"
              count: "3"
            ---
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: b, namespace: ns}
            spec:
              replicas: 2
              on: yes
            """
        let ms = try ManifestDecoder().decode(yaml: yaml, file: "x.yaml")
        #expect(ms.count == 2)
        #expect(ms[0].ref == ObjectRef(apiVersion: "v1", kind: "ConfigMap", name: "a"))
        #expect(ms[0].source.line == 3)
        #expect(ms[0].object["data", "enabled"] == .string("true"))
        #expect(ms[1].object["spec", "replicas"] == .int(2))
        #expect(ms[1].location(of: "spec.replicas").line == 16)
        #expect(ms[1].namespace == "ns")
    }

    @Test func reportsSyntaxErrorInLaterDocument() {
        let yaml = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: [\n"
        do {
            _ = try ManifestDecoder().decode(yaml: yaml, file: "bad.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.location.file == "bad.yaml")
            #expect(error.location.line >= 5)
        }
    }

    @Test func rejectsNonFiniteAndDeepInput() {
        #expect(throws: ManifestDecodingError.self) { try ManifestDecoder().decode(yaml: "a: .inf\n", file: "f.yaml") }
        let deep = String(repeating: "[", count: 5000)
        #expect(throws: ManifestDecodingError.self) { try ManifestDecoder().decode(yaml: deep, file: "f.yaml") }
    }

    @Test func boundsAliasExpansion() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var prev = "a"
        for i in 0..<9 {
            let name = "l\(i)"
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 10).joined(separator: ", ") + "]\n"
            prev = name
        }
        do {
            _ = try ManifestDecoder().decode(yaml: yaml, file: "bomb.yaml")
            Issue.record("an alias bomb must be rejected")
        } catch {
            #expect(error.code == .tooLarge)
            #expect(error.location.file == "bomb.yaml")
        }
    }
}
