import Testing
@testable import Resources

/// Lines recorded for field paths: the line of the key, for every kind of node, in YAML and JSON.
@Suite struct ManifestLinesTests {
    @Test func keyLinesForNestedBlocks() throws {
        let yaml = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata:
              name: podinfo
            spec:
              analysis:
                stepWeights:
                  - 10
                  - 20
                metrics:
                  - name: a
                    thresholdRange:
                      min: 1
                labels: {"app.kubernetes.io/name": x}

            """
        let m = try #require(try ManifestDecoder().decode(yaml: yaml, file: "c.yaml").first)
        #expect(m.source.line == 1)
        #expect(m.location(of: "metadata").line == 3)
        #expect(m.location(of: "spec").line == 5)
        #expect(m.location(of: "spec.analysis").line == 6)
        #expect(m.location(of: "spec.analysis.stepWeights").line == 7)
        #expect(m.location(of: "spec.analysis.stepWeights[1]").line == 9)
        #expect(m.location(of: "spec.analysis.metrics[0]").line == 11)
        #expect(m.location(of: "spec.analysis.metrics[0].thresholdRange").line == 12)
        #expect(m.location(of: "spec.analysis.metrics[0].thresholdRange.min").line == 13)
        #expect(m.location(of: #"spec.analysis.labels["app.kubernetes.io/name"]"#).line == 14)
        // A missing field falls back to its nearest recorded ancestor.
        #expect(m.location(of: "spec.analysis.metrics[0].thresholdRange.max").line == 12)
        #expect(m.location(of: "spec.targetRef.name").line == 5)
    }

    @Test func linesInLaterDocumentsAndLists() throws {
        let yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: a}
              data:
                k: v
            ---
            # comment

            apiVersion: v1
            kind: Secret
            metadata:
              name: b

            """
        let ms = try ManifestDecoder().decode(yaml: yaml, file: "l.yaml")
        #expect(ms.map(\.name) == ["a", "b"])
        #expect(ms[0].source.line == 4)
        #expect(ms[0].location(of: "data.k").line == 8)
        #expect(ms[1].source.line == 12)
        #expect(ms[1].location(of: "metadata.name").line == 15)
    }

    @Test func jsonFilesGetFieldLines() throws {
        let json = """
            {
              "apiVersion": "flagger.app/v1beta1",
              "kind": "Canary",
              "metadata": {"name": "podinfo"},
              "spec": {
                "analysis": {
                  "stepWeights": [10,
                    5]
                }
              }
            }
            """
        let m = try #require(try ManifestDecoder().decode(Array(json.utf8), file: "c.json").first)
        #expect(m.object["spec", "analysis", "stepWeights"] == [10, 5])
        #expect(m.location(of: "spec.analysis").line == 6)
        #expect(m.location(of: "spec.analysis.stepWeights[1]").line == 8)
    }

    @Test func jsonEscapesDecodeAsJSON() throws {
        // "\\/" is a JSON escape; the value always comes from the JSON parser, the YAML reader only supplies lines.
        let json = #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"u": "a\/b"}}"#
        let m = try #require(try ManifestDecoder().decode(Array(json.utf8), file: "c.json").first)
        #expect(m.object["data", "u"] == "a/b")
        #expect(m.location(of: "data.u").line == 1)
    }
}
