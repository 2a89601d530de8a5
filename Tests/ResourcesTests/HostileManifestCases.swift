import Foundation
import Resources

/// Hostile manifests: (input, expected error substring, expected location), run through `ValidationReport`
/// (decode + validate, as `gitcanary validate` and the run's sync do).
struct HostileManifestCase: Sendable {
    var input: String
    var files: [ValidationReport.File]
    var expected: String
    /// `file:line` (or `file` when the error has no line) the finding must start with.
    var location: String
    var severity: ValidationSeverity = .error

    init(_ input: String, _ files: [(String, [UInt8])], expect expected: String, at location: String,
         severity: ValidationSeverity = .error) {
        self.input = input
        self.files = files.map { ValidationReport.File(path: $0.0, bytes: $0.1) }
        self.expected = expected
        self.location = location
        self.severity = severity
    }

    init(_ input: String, _ file: String, _ text: String, expect expected: String, at location: String,
         severity: ValidationSeverity = .error) {
        self.init(input, [(file, Array(text.utf8))], expect: expected, at: location, severity: severity)
    }
}

enum HostileManifests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: app, image: web:1}]}
        """

    static func canary(_ spec: String, name: String = "web") -> String {
        """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata: {name: \(name), namespace: prod}
        spec:
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          service: {port: 80}
        \(spec)
        """
    }

    static let analysis = "  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}"

    static func template(_ spec: String) -> String {
        """
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata: {name: errors, namespace: prod}
        spec:
        \(spec)
        """
    }

    static func provider(_ spec: String) -> String {
        """
        apiVersion: flagger.app/v1beta1
        kind: AlertProvider
        metadata: {name: slack, namespace: prod}
        spec:
        \(spec)
        """
    }

    static func nested(_ depth: Int) -> String {
        var s = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n"
        var indent = "  "
        for i in 0..<depth {
            s += "\(indent)k\(i):\n"
            indent += "  "
        }
        return s + "\(indent)leaf: x\n"
    }

    static let aliasBomb: String = {
        var s = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<10 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            s += "  a\(i): &a\(i) [\(refs)]\n"
        }
        return s
    }()

    static let tenMegabytes: String = {
        let line = "  k" + String(repeating: "x", count: 90) + ": v\n"
        let count = (10 << 20) / line.utf8.count + 1
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n" + String(repeating: line, count: count)
    }()

    static let cases: [HostileManifestCase] = [
        // YAML syntax
        HostileManifestCase("YAML syntax error in document 1 (unclosed flow mapping)", "syntax1.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\ndata: {}\n", expect: "did not find expected ',' or '}'", at: "syntax1.yaml:4"),
        HostileManifestCase("YAML syntax error in document 3 of 3", "syntax3.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n   bad: indent\n",
                            expect: "mapping values are not allowed in this context", at: "syntax3.yaml:13"),
        HostileManifestCase("tab indentation", "tabs.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n", expect: "found character that cannot start any token", at: "tabs.yaml:4"),
        HostileManifestCase("unterminated quoted string", "quote.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a}\n", expect: "found unexpected end of stream (while scanning a quoted scalar at line 3)", at: "quote.yaml:4"),
        HostileManifestCase("duplicate mapping key", "dupkey.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nmetadata: {name: b}\n", expect: "duplicate keys in mapping: metadata", at: "dupkey.yaml:3"),
        HostileManifestCase("JSON with trailing garbage", "trailing.json", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}} x"#, expect: "unexpected content after the JSON document", at: "trailing.json:1"),
        HostileManifestCase("JSON NaN", "nan.json", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":NaN}}"#, expect: "invalid JSON: unexpected character 'N'", at: "nan.json:1"),
        HostileManifestCase("a document that is a scalar", "scalar.yaml", "just a string\n", expect: "document is a string, expected a Kubernetes object", at: "scalar.yaml:1"),
        HostileManifestCase("a document that is a list", "list.yaml", "- a\n- b\n", expect: "expected a Kubernetes object with apiVersion and kind", at: "list.yaml:1"),
        HostileManifestCase("missing apiVersion", "noapi.yaml", "kind: ConfigMap\nmetadata: {name: a}\n", expect: "missing apiVersion", at: "noapi.yaml:1"),
        HostileManifestCase("missing kind", "nokind.yaml", "apiVersion: v1\nmetadata: {name: a}\n", expect: "missing kind", at: "nokind.yaml:1"),
        HostileManifestCase("missing metadata.name", "noname.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", expect: "missing metadata.name", at: "noname.yaml:3"),
        // Wrong types in each Flagger kind
        HostileManifestCase("Canary: analysis.interval is a number", "c-interval.yaml", canary("  analysis: {interval: 60, threshold: 5}"), expect: "wrong type: expected a string, found integer 60 (spec.analysis.interval)", at: "c-interval.yaml:7"),
        HostileManifestCase("Canary: targetRef is a string", "c-target.yaml",
                            "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: web, namespace: prod}\nspec:\n  targetRef: web\n  service: {port: 80}\n", expect: "wrong type: expected an object, found string \"web\" (spec.targetRef)", at: "c-target.yaml:5"),
        HostileManifestCase("Canary: service.port is a string", "c-port.yaml",
                            "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: web, namespace: prod}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  service: {port: eighty}\n", expect: "wrong type: expected a number, found string \"eighty\" (spec.service.port)", at: "c-port.yaml:6"),
        HostileManifestCase("Canary: analysis.metrics is a map", "c-metrics.yaml", canary("  analysis: {interval: 1m, threshold: 5, metrics: {name: x}}"), expect: "wrong type: expected a list, found an object (spec.analysis.metrics)", at: "c-metrics.yaml:7"),
        HostileManifestCase("Canary: skipAnalysis is a string", "c-skip.yaml", canary("  skipAnalysis: \"yes please\""), expect: "wrong type: expected a boolean, found string \"yes please\" (spec.skipAnalysis)", at: "c-skip.yaml:7"),
        HostileManifestCase("MetricTemplate: query is a number", "mt-query.yaml", template("  provider: {type: prometheus, address: http://prom:9090}\n  query: 42"), expect: "wrong type: expected a string, found integer 42 (spec.query)", at: "mt-query.yaml:6"),
        HostileManifestCase("MetricTemplate: provider is a list", "mt-provider.yaml", template("  provider: [prometheus]\n  query: up"), expect: "wrong type: expected an object, found a list (spec.provider)", at: "mt-provider.yaml:5"),
        HostileManifestCase("AlertProvider: type is a number", "ap-type.yaml", provider("  type: 7\n  channel: c"), expect: "wrong type: expected a string, found integer 7 (spec.type)", at: "ap-type.yaml:5"),
        HostileManifestCase("AlertProvider: unknown type", "ap-enum.yaml", provider("  type: pager\n  channel: c"), expect: "unknown type \"pager\"; expected one of: slack, msteams, discord, rocket, gchat", at: "ap-enum.yaml:5"),
        // Huge numbers
        HostileManifestCase("Canary: service.port 1e400", "c-1e400.yaml",
                            "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: web, namespace: prod}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  service: {port: 1e400}\n", expect: "'1e400' is not a finite number", at: "c-1e400.yaml:6"),
        HostileManifestCase("Canary: analysis.iterations 2^70", "c-iterations.yaml", canary("  analysis: {interval: 1m, threshold: 5, iterations: 1180591620717411303424}"),
                            expect: "iterations 1180591620717411303424 is too large: Flagger and GitCanary read it as a 64-bit integer (at most 9223372036854775807); use a realistic value (spec.analysis.iterations)", at: "c-iterations.yaml:7"),
        HostileManifestCase("Canary: analysis.threshold 2^70", "c-threshold.yaml", canary("  analysis: {interval: 1m, stepWeight: 10, threshold: 1180591620717411303424}"),
                            expect: "threshold 1180591620717411303424 is too large: Flagger and GitCanary read it as a 64-bit integer (at most 9223372036854775807); use a realistic value (spec.analysis.threshold)", at: "c-threshold.yaml:7"),
        HostileManifestCase("Canary: a webhook's retries 2^70 (block style, line of the field)", "c-retries.yaml",
                            canary("  analysis:\n    interval: 1m\n    threshold: 5\n    stepWeight: 10\n    webhooks:\n      - name: w\n        url: http://h/\n        retries: 1180591620717411303424"),
                            expect: "retries 1180591620717411303424 is too large", at: "c-retries.yaml:14"),
        HostileManifestCase("Deployment: replicas 2^70", "d-replicas.yaml",
                            deployment.replacingOccurrences(of: "spec:\n", with: "spec:\n  replicas: 1180591620717411303424\n"),
                            expect: "replicas 1180591620717411303424 is out of range: Kubernetes stores replicas as a 32-bit integer (0 to 2147483647); set a realistic count (spec.replicas)", at: "d-replicas.yaml:5"),
        HostileManifestCase("Deployment: replicas -1", "d-negative.yaml",
                            deployment.replacingOccurrences(of: "spec:\n", with: "spec:\n  replicas: -1\n"),
                            expect: "replicas -1 is out of range", at: "d-negative.yaml:5"),
        HostileManifestCase("legacy extensions/v1beta1 Deployment", "d-legacy.yaml",
                            deployment.replacingOccurrences(of: "apps/v1", with: "extensions/v1beta1"),
                            expect: "extensions/v1beta1 Deployment is no longer served (removed in Kubernetes 1.16); the API server rejects it: set apiVersion: apps/v1", at: "d-legacy.yaml:1"),
        HostileManifestCase("JSON: maxWeight 1e400", "c-1e400.json",
                            #"{"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"web","namespace":"prod"},"spec":{"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"service":{"port":80},"analysis":{"interval":"1m","threshold":5,"maxWeight":1e400}}}"#,
                            expect: "invalid or out-of-range number '1e400'", at: "c-1e400.json:1"),
        // Deep nesting, size, aliases
        HostileManifestCase("YAML block nesting 1000 levels", "deep-block.yaml", nested(1_000), expect: "nesting deeper than 100 levels", at: "deep-block.yaml:"),
        HostileManifestCase("YAML flow nesting 100000 levels", "deep-flow.yaml",
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n",
                            expect: "nesting deeper than 100 levels", at: "deep-flow.yaml:4"),
        HostileManifestCase("JSON nesting 100000 levels", "deep.json",
                            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
                            expect: "nesting deeper than 256 levels", at: "deep.json:1"),
        HostileManifestCase("a 10 MB document", "huge.yaml", tenMegabytes, expect: "over the limit of 8388608 bytes; split it", at: "huge.yaml"),
        HostileManifestCase("alias bomb (10^10 nodes)", "bomb.yaml", aliasBomb, expect: "document expands to more than 200000 nodes (aliases?)", at: "bomb.yaml:"),
        HostileManifestCase("undefined alias", "alias.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *nothing\n", expect: "found undefined alias", at: "alias.yaml:4"),
        // Identity
        HostileManifestCase("the same Canary in two files", [("a.yaml", Array(canary(analysis).utf8)), ("b.yaml", Array(canary(analysis).utf8))], expect: "duplicate object Canary/prod/web: already declared at a.yaml:1", at: "b.yaml:3"),
        HostileManifestCase("unknown Flagger kind", "kind.yaml", "apiVersion: flagger.app/v1beta1\nkind: Canari\nmetadata: {name: web, namespace: prod}\nspec: {}\n", expect: "flagger.app/v1beta1 Canari is not a Flagger kind", at: "kind.yaml:2"),
        HostileManifestCase("legacy apiVersion flagger.app/v1alpha3", "legacy.yaml", canary(analysis).replacingOccurrences(of: "flagger.app/v1beta1", with: "flagger.app/v1alpha3"), expect: "flagger.app/v1alpha3 is no longer served by Flagger", at: "legacy.yaml:1"),
        // Bytes
        HostileManifestCase("non-UTF-8 bytes in a value", [("latin1.yaml", Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: caf".utf8) + [0xE9] + Array("}\n".utf8))], expect: "byte 0xE9 is not UTF-8; save the file as UTF-8", at: "latin1.yaml:4"),
        HostileManifestCase("UTF-8 BOM before a syntax error on line 3", [("bom.yaml", [0xEF, 0xBB, 0xBF] + Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n".utf8))],
                            expect: "did not find expected ',' or '}'", at: "bom.yaml:4"),
        HostileManifestCase("UTF-16 file with a BOM", [("utf16.yaml", [0xFF, 0xFE] + Array("apiVersion: v1\n".utf16).flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })], expect: "the file is UTF-16", at: "utf16.yaml:1"),
        HostileManifestCase("a binary file named .yaml (PNG header)", [("logo.yaml", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])], expect: "binary content (byte 0x89 is not UTF-8)", at: "logo.yaml:1"),
        // References
        HostileManifestCase("Canary whose templateRef names a missing MetricTemplate", "ref-template.yaml",
                            canary("  analysis:\n    interval: 1m\n    threshold: 5\n    metrics:\n      - {name: errors, templateRef: {name: missing}, thresholdRange: {max: 1}}"),
                            expect: "MetricTemplate prod/missing is not among the validated files", at: "ref-template.yaml:11", severity: .warning),
        HostileManifestCase("Canary whose alert providerRef names a missing AlertProvider", "ref-provider.yaml",
                            canary("  analysis:\n    interval: 1m\n    threshold: 5\n    alerts:\n      - {name: team, severity: info, providerRef: {name: nobody}}"),
                            expect: "AlertProvider prod/nobody is not among the validated files", at: "ref-provider.yaml:11", severity: .warning),
    ]
}
