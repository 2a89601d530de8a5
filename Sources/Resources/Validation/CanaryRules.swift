import Foundation

/// Flagger's semantic rules for a Canary, on top of its CRD schema (flagger-behaviour.md §1, §2.8).
///
/// Works on the raw JSON so that it runs even when fields have the wrong type (those are reported by the schema
/// check); a field with an unexpected type is simply skipped here.
enum CanaryRules {
    /// The integer-valued analysis fields (the CRD says `number`; Flagger's Go types are `int`).
    static let wholeNumberFields = [
        "iterations", "threshold", "maxWeight", "stepWeight", "stepWeightPromotion", "mirrorWeight",
        "primaryReadyThreshold", "canaryReadyThreshold",
    ]

    static func check(_ object: JSONValue) -> [Problem] {
        var out: [Problem] = []
        let spec = object["spec"]
        checkService(spec, into: &out)
        checkKnative(spec, into: &out)
        checkProviderRequirements(spec, into: &out)
        if spec?["analysis"] == nil, spec?["canaryAnalysis"] != nil {
            out.append(
                .error(.legacyAPIVersion, "spec.canaryAnalysis",
                    "'canaryAnalysis' was renamed 'analysis' in flagger.app/v1beta1; the API server drops it and rejects the Canary for lacking analysis: rename it"))
        }
        if let analysis = spec?["analysis"], case .object = analysis {
            checkAnalysis(analysis, path: "spec.analysis", into: &out)
        }
        return out
    }

    private static func checkService(_ spec: JSONValue?, into out: inout [Problem]) {
        guard let spec, case .object = spec else { return }
        if spec["service"] == nil, !isKnative(spec) {
            out.append(
                .error(.servicePort, "spec.service.port",
                    "missing spec.service.port: Flagger needs the port of the services it generates (only a Knative Service target may omit it)"))
        }
        if let port = spec["service", "port"], case .double(let d) = port, d.rounded() != d {
            out.append(.error(.wholeNumber, "spec.service.port", "port must be a whole number, found \(JSONWriter.formatDouble(d))"))
        }
        checkRange(spec["service", "port"], field: "port", path: "spec.service.port", into: &out)
        checkRange(spec["progressDeadlineSeconds"], field: "progressDeadlineSeconds", path: "spec.progressDeadlineSeconds", into: &out)
        for field in ["minReplicas", "maxReplicas"] {
            checkRange(spec["autoscalerRef", "primaryScalerReplicas", field], field: field,
                       path: JSONPath.key("spec.autoscalerRef.primaryScalerReplicas", field), into: &out)
        }
        if let timeout = spec["service", "timeout"]?.stringValue {
            checkDuration(timeout, path: "spec.service.timeout", into: &out)
        }
    }

    static func isKnative(_ spec: JSONValue) -> Bool {
        spec["targetRef", "kind"]?.stringValue == "Service"
            && (spec["targetRef", "apiVersion"]?.stringValue ?? "").hasPrefix("serving.knative.dev/")
    }

    private static func checkKnative(_ spec: JSONValue?, into out: inout [Problem]) {
        guard let spec, case .object = spec else { return }
        let knative = isKnative(spec)
        let provider = spec["provider"]?.stringValue ?? ""
        if knative, provider != "knative" {
            out.append(
                .error(.knative, "spec.provider",
                    "a Knative Service target needs provider: knative (found \(provider.isEmpty ? "none" : "'\(provider)'")); Flagger refuses to schedule this canary"))
        }
        if !knative, provider == "knative", spec["targetRef"] != nil {
            out.append(
                .error(.knative, "spec.targetRef",
                    "provider knative needs a targetRef to a Knative Service (apiVersion serving.knative.dev/v1, kind Service)"))
        }
        if knative, spec["autoscalerRef"] != nil {
            out.append(.error(.knative, "spec.autoscalerRef", "a Knative Service target cannot have an autoscalerRef (Knative scales it)"))
        }
    }

    private static func checkProviderRequirements(_ spec: JSONValue?, into out: inout [Problem]) {
        guard let spec, case .object = spec, let provider = spec["provider"]?.stringValue else { return }
        func stuck(_ path: String, _ what: String) {
            out.append(
                .warning(.providerRequirements, path,
                    "provider \(provider) needs \(what); without it the canary stays in Initializing"))
        }
        switch provider {
        case "nginx", "skipper":
            if spec["ingressRef"] == nil { stuck("spec.ingressRef", "spec.ingressRef (the Ingress of the apex service)") }
        case "apisix":
            if spec["routeRef"] == nil { stuck("spec.routeRef", "spec.routeRef (the ApisixRoute)") }
        case "gatewayapi:v1", "gatewayapi:v1beta1":
            if spec["service", "gatewayRefs"]?.arrayValue?.isEmpty != false {
                stuck("spec.service.gatewayRefs", "spec.service.gatewayRefs (the Gateways to attach the HTTPRoute to)")
            }
        default: break
        }
        let analysis = spec["analysis"]
        if analysis?["mirror"]?.boolValue == true, (analysis?["iterations"]?.doubleValue ?? 0) <= 0, provider != "istio" {
            out.append(
                .warning(.providerRequirements, "spec.analysis.mirror",
                    "mirroring with progressive weights works only with provider istio; with \(provider) the canary never advances past its first step"))
        }
    }

    /// The largest whole number a Go `int` / Swift `Int` holds, as the JSON parser's Double sees it.
    static let integerLimit = 9_223_372_036_854_775_807.0

    /// A whole number outside the 64-bit range Flagger (Go `int`) and GitCanary (`Int`) read counts into; the JSON
    /// parser keeps such numbers as doubles, which no typed model can read.
    static func checkRange(_ value: JSONValue?, field: String, path: String, into out: inout [Problem]) {
        guard case .double(let d) = value, d.rounded() == d, d >= integerLimit || d < -integerLimit else { return }
        out.append(
            .error(.integerRange, path,
                "\(field) \(formatWhole(d)) is too large: Flagger and GitCanary read it as a 64-bit integer (at most 9223372036854775807); use a realistic value"))
    }

    /// A whole number written out in full when it is reasonably short (2^70 = 1180591620717411303424).
    static func formatWhole(_ d: Double) -> String {
        abs(d) < 1e30 ? String(format: "%.0f", d) : JSONWriter.formatDouble(d)
    }

    private static func checkAnalysis(_ a: JSONValue, path: String, into out: inout [Problem]) {
        for field in wholeNumberFields {
            if case .double(let d) = a[field], d.rounded() != d {
                out.append(.error(.wholeNumber, JSONPath.key(path, field), "\(field) must be a whole number, found \(JSONWriter.formatDouble(d))"))
            }
            checkRange(a[field], field: field, path: JSONPath.key(path, field), into: &out)
        }
        if let interval = a["interval"]?.stringValue {
            checkDuration(interval, path: JSONPath.key(path, "interval"), schemaPattern: true, into: &out)
            if let s = GoDuration.seconds(interval), s > 0, s < 10 {
                out.append(
                    .warning(.duration, JSONPath.key(path, "interval"),
                        "interval \(interval) is below 10s; Flagger (and GitCanary) use 10s"))
            }
        }
        if let m = a["maxWeight"], let w = m.doubleValue, w < 1 || w > 100 {
            out.append(.error(.maxWeight, JSONPath.key(path, "maxWeight"), "maxWeight must be between 1 and 100, found \(JSONWriter.formatDouble(w))"))
        }
        if let m = a["mirrorWeight"]?.doubleValue, m < 0 || m > 100 {
            out.append(.error(.maxWeight, JSONPath.key(path, "mirrorWeight"), "mirrorWeight must be between 0 and 100, found \(JSONWriter.formatDouble(m))"))
        }
        checkStepWeights(a["stepWeights"]?.arrayValue, path: JSONPath.key(path, "stepWeights"), into: &out)
        for (i, metric) in (a["metrics"]?.arrayValue ?? []).enumerated() {
            checkMetric(metric, path: JSONPath.index(JSONPath.key(path, "metrics"), i), into: &out)
        }
        for (i, hook) in (a["webhooks"]?.arrayValue ?? []).enumerated() {
            let p = JSONPath.index(JSONPath.key(path, "webhooks"), i)
            if let t = hook["timeout"]?.stringValue {
                checkDuration(t, path: JSONPath.key(p, "timeout"), schemaPattern: true, into: &out)
            }
            if case .double(let d) = hook["retries"], d.rounded() != d {
                out.append(.error(.wholeNumber, JSONPath.key(p, "retries"), "retries must be a whole number, found \(JSONWriter.formatDouble(d))"))
            }
            checkRange(hook["retries"], field: "retries", path: JSONPath.key(p, "retries"), into: &out)
            for field in ["name", "url"] where hook[field]?.stringValue?.isEmpty == true {
                out.append(.error(.schemaRequired, JSONPath.key(p, field), "webhook \(field) must not be empty"))
            }
        }
        if let affinity = a["sessionAffinity"], case .object = affinity {
            let p = JSONPath.key(path, "sessionAffinity")
            if let c = affinity["cookieName"]?.stringValue, let primary = affinity["primaryCookieName"]?.stringValue, c == primary {
                out.append(
                    .error(.cookieNames, JSONPath.key(p, "primaryCookieName"),
                        "primaryCookieName must differ from cookieName (both are '\(c)'); Flagger rejects this canary"))
            }
            checkRange(affinity["maxAge"], field: "maxAge", path: JSONPath.key(p, "maxAge"), into: &out)
            if case .double(let d) = affinity["maxAge"], d.rounded() != d {
                out.append(.error(.wholeNumber, JSONPath.key(p, "maxAge"), "maxAge must be a whole number of seconds, found \(JSONWriter.formatDouble(d))"))
            }
        }
    }

    private static func checkStepWeights(_ steps: [JSONValue]?, path: String, into out: inout [Problem]) {
        guard let steps else { return }
        var previous: Double?
        for (i, step) in steps.enumerated() {
            guard let w = step.doubleValue else { continue }
            let p = JSONPath.index(path, i)
            if w.rounded() != w {
                out.append(.error(.wholeNumber, p, "step weight must be a whole number, found \(JSONWriter.formatDouble(w))"))
            }
            checkRange(step, field: "step weight", path: p, into: &out)
            if w < 1 {
                out.append(.error(.stepWeights, p, "step weight \(JSONWriter.formatDouble(w)) is below 1"))
            } else if w > 100 {
                out.append(.warning(.stepWeights, p, "step weight \(JSONWriter.formatDouble(w)) is above 100; it is treated as 100"))
            }
            if let previous, w <= previous {
                out.append(
                    .error(.stepWeights, p,
                        "stepWeights must be strictly increasing: \(JSONWriter.formatDouble(w)) follows \(JSONWriter.formatDouble(previous))"))
            }
            previous = w
        }
    }

    private static func checkMetric(_ metric: JSONValue, path: String, into out: inout [Problem]) {
        if let interval = metric["interval"]?.stringValue {
            checkDuration(interval, path: JSONPath.key(path, "interval"), schemaPattern: true, into: &out)
        }
        if let min = metric["thresholdRange", "min"]?.doubleValue, let max = metric["thresholdRange", "max"]?.doubleValue, min > max {
            out.append(
                .error(.thresholdRange, JSONPath.key(path, "thresholdRange"),
                    "thresholdRange min \(JSONWriter.formatDouble(min)) is greater than max \(JSONWriter.formatDouble(max)); no value can pass"))
        }
    }

    /// A duration must parse as a Go duration (Flagger's `time.ParseDuration`). With `schemaPattern`, text that
    /// already fails the CRD's `^[0-9]+(m|s)` pattern is left to the schema check (one finding per problem).
    static func checkDuration(_ text: String, path: String, schemaPattern: Bool = false, into out: inout [Problem]) {
        if schemaPattern, !startsLikeDuration(text) { return }
        guard let seconds = GoDuration.seconds(text) else {
            out.append(.error(.duration, path, "\"\(text)\" is not a duration (use Go syntax: 30s, 1m, 1m30s, 2h)"))
            return
        }
        if seconds < 0 {
            out.append(.error(.duration, path, "duration \"\(text)\" is negative"))
        }
    }

    /// The CRD's `^[0-9]+(m|s)` prefix check.
    static func startsLikeDuration(_ text: String) -> Bool {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return false }
        let next = text.dropFirst(digits.count).first
        return next == "m" || next == "s"
    }
}
