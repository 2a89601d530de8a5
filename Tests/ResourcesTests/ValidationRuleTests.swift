import Testing
@testable import Resources

/// One invalid input per rule: the exact line `gitcanary validate` prints (file, line, severity, message, path).
@Suite struct ValidationRuleTests {
    static let base = """
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: podinfo
          namespace: test
        spec:
          provider: istio
          targetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: podinfo
          service:
            port: 9898
          analysis:
            interval: 1m
            threshold: 5
            stepWeights: [10, 20, 50]
            metrics:
            - name: request-success-rate
              thresholdRange: {min: 99}
              interval: 1m
            webhooks:
            - name: load-test
              url: http://loadtester.test/
              timeout: 5s

        """

    struct Case: Sendable, CustomTestStringConvertible {
        var rule: ValidationRule
        var edits: [(String, String)]
        var severity: ValidationSeverity
        var path: String
        var line: Int
        var message: String
        var extra: String = ""
        var testDescription: String { "\(rule.rawValue): \(message)" }

        var yaml: String {
            var text = ValidationRuleTests.base
            for (old, new) in edits { text = text.replacingOccurrences(of: old, with: new) }
            return text + extra
        }
    }

    static let metricTemplate = """
        ---
        apiVersion: flagger.app/v1beta1
        kind: MetricTemplate
        metadata:
          name: latency
          namespace: test
        spec:
          provider:
            type: cloudwatch
            region: eu-west-1
          query: "[]"

        """

    static let cases: [Case] = [
        Case(rule: .objectIdentity, edits: [("metadata:\n  name: podinfo\n", "metadata:\n")], severity: .error,
            path: "metadata.name", line: 3, message: "missing metadata.name"),
        Case(rule: .legacyAPIVersion, edits: [("flagger.app/v1beta1", "flagger.app/v1alpha3"), ("  analysis:", "  canaryAnalysis:")],
            severity: .error, path: "apiVersion", line: 1,
            message: "flagger.app/v1alpha3 is no longer served by Flagger (only flagger.app/v1beta1 is); to migrate: set apiVersion: flagger.app/v1beta1; rename spec.canaryAnalysis to spec.analysis"),
        Case(rule: .schemaType, edits: [("port: 9898", "port: \"9898\"")], severity: .error, path: "spec.service.port", line: 13,
            message: "wrong type: expected a number, found string \"9898\""),
        Case(rule: .schemaRequired, edits: [("  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: podinfo\n", "")],
            severity: .error, path: "spec.targetRef", line: 6, message: "missing required field 'targetRef' in spec"),
        Case(rule: .schemaRequired, edits: [("      url: http://loadtester.test/\n", "")], severity: .error,
            path: "spec.analysis.webhooks[0].url", line: 23, message: "missing required field 'url' in spec.analysis.webhooks[0]"),
        Case(rule: .schemaRequired, edits: [("    - name: load-test\n", "    - name: \"\"\n")], severity: .error,
            path: "spec.analysis.webhooks[0].name", line: 23, message: "webhook name must not be empty"),
        Case(rule: .schemaEnum, edits: [("provider: istio", "provider: mesh")], severity: .error, path: "spec.provider", line: 7,
            message: "unknown provider \"mesh\"; expected one of: apisix, appmesh, appmesh:v1beta2, contour, gatewayapi:v1, gatewayapi:v1beta1, gloo, istio, knative, kubernetes, kuma, linkerd, nginx, osm, skipper, smi:v1alpha1, smi:v1alpha2, smi:v1alpha3, traefik"),
        Case(rule: .schemaEnum, edits: [("      timeout: 5s", "      timeout: 5s\n      type: pre-flight")], severity: .error,
            path: "spec.analysis.webhooks[0].type", line: 26,
            message: "unknown webhook type \"pre-flight\"; expected one of: \"\", confirm-rollout, pre-rollout, rollout, confirm-promotion, post-rollout, event, rollback, confirm-traffic-increase"),
        Case(rule: .schemaPattern, edits: [("interval: 1m\n    threshold", "interval: often\n    threshold")], severity: .error,
            path: "spec.analysis.interval", line: 15,
            message: "\"often\" does not match the pattern ^[0-9]+(m|s) (a duration such as 30s, 1m or 1m30s)"),
        Case(rule: .schemaBounds, edits: [("    port: 9898\n", "    port: 9898\n    mirror: [{backendRef: {name: shadow, port: 70000}}]\n")],
            severity: .error, path: "spec.service.mirror[0].backendRef.port", line: 14, message: "integer 70000 is above the maximum 65535"),
        Case(rule: .schemaAlternatives, edits: [("    stepWeights: [10, 20, 50]\n", "")], severity: .error, path: "spec.analysis", line: 14,
            message: "needs interval, threshold and exactly one of iterations, stepWeight, stepWeights: none of iterations, stepWeight, stepWeights is set"),
        Case(rule: .schemaAlternatives, edits: [("    stepWeights: [10, 20, 50]\n", "    stepWeights: [10, 20, 50]\n    stepWeight: 5\n")],
            severity: .error, path: "spec.analysis", line: 14,
            message: "needs interval, threshold and exactly one of iterations, stepWeight, stepWeights, but sets stepWeight and stepWeights"),
        Case(rule: .schemaUnknownField, edits: [("    threshold: 5\n", "    threshold: 5\n    colour: blue\n")], severity: .warning,
            path: "spec.analysis.colour", line: 17,
            message: "unknown field 'colour': Flagger's schema does not declare it, so the API server drops it"),
        Case(rule: .duration, edits: [("      timeout: 5s", "      timeout: 5sec")], severity: .error, path: "spec.analysis.webhooks[0].timeout",
            line: 25, message: "\"5sec\" is not a duration (use Go syntax: 30s, 1m, 1m30s, 2h)"),
        Case(rule: .duration, edits: [("interval: 1m\n    threshold", "interval: 5s\n    threshold")], severity: .warning,
            path: "spec.analysis.interval", line: 15, message: "interval 5s is below 10s; Flagger (and GitCanary) use 10s"),
        Case(rule: .thresholdRange, edits: [("{min: 99}", "{min: 99, max: 1}")], severity: .error,
            path: "spec.analysis.metrics[0].thresholdRange", line: 20,
            message: "thresholdRange min 99 is greater than max 1; no value can pass"),
        Case(rule: .stepWeights, edits: [("[10, 20, 50]", "[10, 20, 15]")], severity: .error, path: "spec.analysis.stepWeights[2]", line: 17,
            message: "stepWeights must be strictly increasing: 15 follows 20"),
        Case(rule: .stepWeights, edits: [("[10, 20, 50]", "[0, 20, 50]")], severity: .error, path: "spec.analysis.stepWeights[0]", line: 17,
            message: "step weight 0 is below 1"),
        Case(rule: .stepWeights, edits: [("[10, 20, 50]", "[10, 20, 150]")], severity: .warning, path: "spec.analysis.stepWeights[2]",
            line: 17, message: "step weight 150 is above 100; it is treated as 100"),
        Case(rule: .maxWeight, edits: [("    stepWeights: [10, 20, 50]\n", "    stepWeight: 10\n    maxWeight: 120\n")], severity: .error,
            path: "spec.analysis.maxWeight", line: 18, message: "maxWeight must be between 1 and 100, found 120"),
        Case(rule: .wholeNumber, edits: [("threshold: 5", "threshold: 2.5")], severity: .error, path: "spec.analysis.threshold", line: 16,
            message: "threshold must be a whole number, found 2.5"),
        Case(rule: .integerRange, edits: [("threshold: 5", "threshold: 1180591620717411303424")], severity: .error,
            path: "spec.analysis.threshold", line: 16,
            message: "threshold 1180591620717411303424 is too large: Flagger and GitCanary read it as a 64-bit integer (at most 9223372036854775807); use a realistic value"),
        Case(rule: .workloadAPIVersion, edits: [], severity: .error, path: "apiVersion", line: 27,
            message: "extensions/v1beta1 Deployment is no longer served (removed in Kubernetes 1.16); the API server rejects it: set apiVersion: apps/v1 and give spec.selector.matchLabels matching the pod template's labels (apps/v1 requires a selector)",
            extra: "---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: podinfo, namespace: test}\nspec:\n  template:\n    metadata: {labels: {app: podinfo}}\n    spec: {containers: [{name: c, image: x}]}\n"),
        Case(rule: .workloadReplicas, edits: [], severity: .error, path: "spec.replicas", line: 31,
            message: "replicas 1180591620717411303424 is out of range: Kubernetes stores replicas as a 32-bit integer (0 to 2147483647); set a realistic count",
            extra: "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: podinfo, namespace: test}\nspec:\n  replicas: 1180591620717411303424\n  selector: {matchLabels: {app: podinfo}}\n  template:\n    metadata: {labels: {app: podinfo}}\n    spec: {containers: [{name: c, image: x}]}\n"),
        Case(rule: .servicePort, edits: [("  service:\n    port: 9898\n", "")], severity: .error, path: "spec.service.port", line: 6,
            message: "missing spec.service.port: Flagger needs the port of the services it generates (only a Knative Service target may omit it)"),
        Case(rule: .cookieNames, edits: [("    threshold: 5\n", "    threshold: 5\n    sessionAffinity:\n      cookieName: flagger\n      primaryCookieName: flagger\n")],
            severity: .error, path: "spec.analysis.sessionAffinity.primaryCookieName", line: 19,
            message: "primaryCookieName must differ from cookieName (both are 'flagger'); Flagger rejects this canary"),
        Case(rule: .knative, edits: [("apiVersion: apps/v1\n    kind: Deployment", "apiVersion: serving.knative.dev/v1\n    kind: Service")],
            severity: .error, path: "spec.provider", line: 7,
            message: "a Knative Service target needs provider: knative (found 'istio'); Flagger refuses to schedule this canary"),
        Case(rule: .providerRequirements, edits: [("provider: istio", "provider: nginx")], severity: .warning, path: "spec.ingressRef",
            line: 6, message: "provider nginx needs spec.ingressRef (the Ingress of the apex service); without it the canary stays in Initializing"),
        Case(rule: .providerRequirements, edits: [("provider: istio", "provider: linkerd"), ("    threshold: 5\n", "    threshold: 5\n    mirror: true\n")],
            severity: .warning, path: "spec.analysis.mirror", line: 17,
            message: "mirroring with progressive weights works only with provider istio; with linkerd the canary never advances past its first step"),
        Case(rule: .templateRefNotFound, edits: [("      interval: 1m\n", "      interval: 1m\n      templateRef: {name: error-rate}\n")],
            severity: .warning, path: "spec.analysis.metrics[0].templateRef", line: 22,
            message: "MetricTemplate test/error-rate is not among the validated files"),
        Case(rule: .providerRefNotFound, edits: [("    metrics:\n", "    alerts:\n    - name: on-call\n      providerRef: {name: slack, namespace: flagger}\n    metrics:\n")],
            severity: .warning, path: "spec.analysis.alerts[0].providerRef", line: 20,
            message: "AlertProvider flagger/slack is not among the validated files"),
        Case(rule: .unsupported, edits: [], severity: .warning, path: "spec.provider.type", line: 34,
            message: "metric provider 'cloudwatch' is valid in Flagger but not supported yet by GitCanary (supported: datadog, graphite, influxdb, newrelic, prometheus); checks using this template will fail",
            extra: metricTemplate),
        Case(rule: .typedModel, edits: [("  namespace: test\n", "  namespace: test\n  creationTimestamp: yesterday\n")], severity: .error,
            path: "", line: 1, message: "GitCanary cannot read this Canary: metadata.creationTimestamp: 'yesterday' is not an RFC 3339 time"),
    ]

    static func report(_ yaml: String, file: String = "canary.yaml") -> ValidationReport {
        ValidationReport.validate(files: [ValidationReport.File(path: file, bytes: Array(yaml.utf8))])
    }

    @Test func baseIsClean() {
        let r = ValidationRuleTests.report(ValidationRuleTests.base)
        #expect(r.findings.isEmpty, "\(r.findings.map(\.line))")
        #expect(r.summary == "1 file, 1 object: 0 errors, 0 warnings")
    }

    @Test(arguments: ValidationRuleTests.cases)
    func rule(_ c: Case) {
        let r = ValidationRuleTests.report(c.yaml)
        let expected = "canary.yaml:\(c.line): \(c.severity.rawValue): \(c.message)" + (c.path.isEmpty ? "" : " (\(c.path))")
        #expect(r.findings.map(\.line).contains(expected), "got \(r.findings.map(\.line))")
        let matching = r.findings.filter { $0.rule == c.rule && $0.path == c.path }
        #expect(matching.count == 1, "one precise finding per problem")
    }

    @Test func everyRuleHasAnInvalidInputTest() {
        let covered = Set(ValidationRuleTests.cases.map(\.rule)).union([.decode, .duplicateObject])
        #expect(Set(ValidationRule.allCases).subtracting(covered).isEmpty)
    }

    @Test func decodeErrorsBecomeFindings() {
        let r = ValidationRuleTests.report("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [\n", file: "bad.yaml")
        #expect(r.findings.count == 1)
        #expect(r.findings.first?.rule == .decode)
        #expect(r.findings.first?.line.hasPrefix("bad.yaml:6: error: column ") == true, "\(r.findings.map(\.line))")
        #expect(r.objectCount == 0)
        #expect(r.hasErrors)
    }

    @Test func duplicateObjectsAcrossFiles() {
        let a = ValidationReport.File(path: "a.yaml", bytes: Array(ValidationRuleTests.base.utf8))
        let b = ValidationReport.File(path: "b/c.yaml", bytes: Array(("---\n" + ValidationRuleTests.base).utf8))
        let r = ValidationReport.validate(files: [a, b])
        let dup = r.findings.filter { $0.rule == .duplicateObject }
        #expect(dup.map(\.line) == ["b/c.yaml:5: error: duplicate object Canary/test/podinfo: already declared at a.yaml:1 (metadata.name)"])
        #expect(r.summary == "2 files, 2 objects: 1 error, 0 warnings")
    }

    @Test func referencesResolveAcrossFiles() {
        let canary = ValidationRuleTests.base.replacingOccurrences(
            of: "      interval: 1m\n", with: "      interval: 1m\n      templateRef: {name: latency}\n")
        let template = ValidationRuleTests.metricTemplate.replacingOccurrences(of: "cloudwatch", with: "prometheus")
            .replacingOccurrences(of: "      region: eu-west-1\n", with: "      address: http://prometheus:9090\n")
        let r = ValidationReport.validate(files: [
            ValidationReport.File(path: "canary.yaml", bytes: Array(canary.utf8)),
            ValidationReport.File(path: "templates.yaml", bytes: Array(template.utf8)),
        ])
        #expect(r.findings.isEmpty, "\(r.findings.map(\.line))")
    }

    @Test func manyProblemsInOnePass() {
        let yaml = ValidationRuleTests.base
            .replacingOccurrences(of: "port: 9898", with: "port: \"9898\"")
            .replacingOccurrences(of: "[10, 20, 50]", with: "[10, 5, 50]")
            .replacingOccurrences(of: "{min: 99}", with: "{min: 99, max: 1}")
            .replacingOccurrences(of: "provider: istio", with: "provider: mesh")
        let r = ValidationRuleTests.report(yaml)
        #expect(r.errorCount == 4, "\(r.findings.map(\.line))")
        #expect(r.findings.map(\.location.line) == [7, 13, 17, 20])
    }

    @Test func nonFlaggerKindsNeedIdentityOnly() {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: podinfo
              labels: {version: 2}
            spec: {replicas: "many"}
            ---
            kind: Service
            metadata: {name: x}

            """
        let lines = ValidationRuleTests.report(yaml, file: "w.yaml").findings.map(\.line)
        #expect(lines == [
            "w.yaml:5: error: labels values must be strings (quote it), found integer 2 (metadata.labels.version)",
            "w.yaml:6: error: replicas must be a whole number, found string \"many\" (spec.replicas)",
            "w.yaml:8: error: missing apiVersion (apiVersion)",
        ])
    }

    @Test func jsonOutputCarriesEveryField() throws {
        let r = ValidationRuleTests.report(ValidationRuleTests.base.replacingOccurrences(of: "threshold: 5", with: "threshold: 2.5"))
        let json = try JSONParser.parse(JSONWriter.string(r.json))
        #expect(json["errors"] == .int(1))
        #expect(json["files"] == .int(1))
        let finding = try #require(json["findings"]?.arrayValue?.first)
        #expect(finding["file"] == "canary.yaml")
        #expect(finding["line"] == .int(16))
        #expect(finding["severity"] == "error")
        #expect(finding["rule"] == "canary.whole-number")
        #expect(finding["path"] == "spec.analysis.threshold")
        #expect(finding["object", "name"] == "podinfo")
    }
}

extension ValidationRuleTests {
    @Test func legacyCanaryAnalysisInV1beta1IsOneFinding() {
        let r = ValidationRuleTests.report(ValidationRuleTests.base.replacingOccurrences(of: "  analysis:", with: "  canaryAnalysis:"))
        #expect(r.findings.map(\.line) == [
            "canary.yaml:14: error: 'canaryAnalysis' was renamed 'analysis' in flagger.app/v1beta1; the API server drops it and rejects the Canary for lacking analysis: rename it (spec.canaryAnalysis)"
        ])
    }
}

extension ValidationRuleTests {
    @Test func gitCanaryOnNoDataIsKnownAndChecked() {
        let ok = ValidationRuleTests.base.replacingOccurrences(of: "      interval: 1m\n", with: "      interval: 1m\n      onNoData: hold\n")
        #expect(ValidationRuleTests.report(ok).findings.isEmpty)
        let bad = ok.replacingOccurrences(of: "onNoData: hold", with: "onNoData: ignore")
        #expect(ValidationRuleTests.report(bad).findings.map(\.line) == [
            "canary.yaml:22: error: unknown onNoData \"ignore\"; expected one of: fail, pass, hold (spec.analysis.metrics[0].onNoData)"
        ])
    }
}
