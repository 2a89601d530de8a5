import Foundation

/// Recognises the PromQL the Sandbox answers: `vector(N)` and Flagger's builtin request-success-rate and
/// request-duration queries of every observer (istio, linkerd, appmesh, contour, gloo, nginx, kubernetes/gatewayapi
/// (http), skipper, traefik, osm, kuma, apisix, knative).
///
/// This is deliberately not a PromQL engine: the query's shape is matched after removing all whitespace, with
/// every `metric{labels}[interval]` selector reduced to its metric name; the first selector's labels then name
/// the workload (`ObserverSelectors`).
enum QueryRecognizer {
    enum Measure: Equatable {
        /// `100 × kept(numerator) / kept(denominator)`, or 100 minus that (`100 - sum(...)/sum(...)*100`, as
        /// custom MetricTemplates write error percentages).
        case ratio(numerator: StatusFilter, denominator: StatusFilter, complement: Bool)
        /// Latency; `factor` converts milliseconds into the query's unit (1 for ms, 0.001 for seconds).
        case duration(factor: Double)
    }

    /// What a query's labels point at; resolved against the cluster by `WorkloadResolver`.
    enum Workload: Equatable {
        /// A Deployment or DaemonSet by name.
        case named(String)
        /// A Service (the workload its selector picks), else a workload of that name or without `-canary`/`-primary`.
        case service(String)
        /// The workload behind an Ingress (nginx).
        case ingress(String)
        /// A Knative revision `<service>-0000N` (the Knative Service's template while it is the latest revision).
        case knativeRevision(String)
        /// Skipper's route naming: namespace and canary Service with every non-word character replaced by `_`.
        case skipperWords(namespace: String, service: String)
    }

    /// One reading of the labels; a query may have several when names joined by `-` cannot be split without
    /// the cluster (`<ns>-<target>`): the first candidate whose object exists wins.
    struct Candidate: Equatable {
        var namespace: String
        var workload: Workload
    }

    enum Recognized: Equatable {
        case constant(Double)
        case workload(measure: Measure, candidates: [Candidate], observer: String)
    }

    /// Which of the Sandbox's simulated requests a selector keeps by its status-label matchers: successful ones
    /// (status 200, classification `success`) and failed ones (500/503, `failure`). `response_code!~"5.*"` keeps
    /// only the successful; `response_code!="404"` keeps both (the Sandbox never answers 404).
    struct StatusFilter: Equatable {
        var keepsSuccess = true
        var keepsFailure = true
    }

    /// One label matcher: `name op "value"`, `op` one of `=`, `!=`, `=~`, `!~`.
    struct Matcher {
        var name: String
        var op: String
        var value: String
    }

    struct Selector {
        var metric: String
        var matchers: [Matcher]

        /// Equality and regex matchers by name (negative matchers do not name the workload).
        var labels: [String: String] {
            var out: [String: String] = [:]
            for m in matchers where m.op == "=" || m.op == "=~" { out[m.name] = m.value }
            return out
        }

        static let statusLabels: Set<String> = ["response_code", "envoy_response_code", "code", "status", "classification"]

        /// The requests this selector keeps by its status matchers.
        var statusFilter: StatusFilter {
            var f = StatusFilter()
            for m in matchers where Self.statusLabels.contains(m.name) {
                let (success, failures) = m.name == "classification" ? ("success", ["failure"]) : ("200", ["500", "503"])
                f.keepsSuccess = f.keepsSuccess && Self.matches(m, success)
                f.keepsFailure = f.keepsFailure && failures.allSatisfy { Self.matches(m, $0) }
            }
            return f
        }

        static func matches(_ m: Matcher, _ value: String) -> Bool {
            switch m.op {
            case "=": return value == m.value
            case "!=": return value != m.value
            case "=~": return fullMatch(m.value, value)
            default: return !fullMatch(m.value, value)
            }
        }

        /// Prometheus regexes are anchored at both ends.
        static func fullMatch(_ pattern: String, _ value: String) -> Bool {
            guard let re = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
            return re.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        }
    }

    static func recognize(_ query: String) -> Recognized? {
        let compact = String(query.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        if compact.hasPrefix("vector("), compact.hasSuffix(")"),
            let v = Double(compact.dropFirst("vector(".count).dropLast())
        {
            return .constant(v)
        }
        guard let (skeleton, selectors) = reduce(compact), let first = selectors.first,
            let measure = measure(skeleton: skeleton, selectors: selectors)
        else { return nil }
        guard let (observer, candidates) = ObserverSelectors.candidates(metric: first.metric, labels: first.labels),
            !candidates.isEmpty
        else { return nil }
        return .workload(measure: measure, candidates: candidates, observer: observer)
    }

    /// The measure a query's skeleton computes: a request ratio (percent, or 100 minus it), a P99 (ms, or seconds
    /// unless scaled by 1000), or a mean from `_sum`/`_count` scaled by 1000 (nginx, skipper).
    static func measure(skeleton: String, selectors: [Selector]) -> Measure? {
        let names = selectors.map(\.metric)
        switch skeleton {
        case "sum(rate(#))/sum(rate(#))*100" where names.count == 2 && names[0] == names[1],
            "100-sum(rate(#))/sum(rate(#))*100" where names.count == 2 && names[0] == names[1]:
            return .ratio(numerator: selectors[0].statusFilter, denominator: selectors[1].statusFilter,
                          complement: skeleton.hasPrefix("100-"))
        case "histogram_quantile(0.99,sum(rate(#))by(le))" where names.count == 1:
            return .duration(factor: names[0].contains("_seconds_") ? 0.001 : 1)
        case "histogram_quantile(0.99,sum(rate(#))by(le))*1000" where names.count == 1 && names[0].contains("_seconds_"):
            return .duration(factor: 1)
        case "sum(rate(#))/sum(rate(#))*1000" where names.count == 2 && names[0].hasSuffix("_seconds_sum")
            && names[1] == String(names[0].dropLast("_sum".count)) + "_count":
            return .duration(factor: 1)
        default:
            return nil
        }
    }

    /// Replaces each `metric{...}[...]` with `#`, returning the skeleton and the selectors in order.
    static func reduce(_ compact: String) -> (String, [Selector])? {
        var skeleton = ""
        var selectors: [Selector] = []
        var chars = Array(compact)[...]
        while !chars.isEmpty {
            guard let brace = chars.firstIndex(of: "{") else {
                skeleton += String(chars)
                break
            }
            var nameStart = brace
            while nameStart > chars.startIndex, isNameChar(chars[nameStart - 1]) { nameStart -= 1 }
            guard nameStart < brace, let close = closingBrace(chars, from: brace) else { return nil }
            skeleton += String(chars[chars.startIndex..<nameStart])
            let metric = String(chars[nameStart..<brace])
            guard let matchers = parseMatchers(String(chars[(brace + 1)..<close])) else { return nil }
            var next = close + 1
            if next < chars.endIndex, chars[next] == "[" {
                guard let end = chars[next...].firstIndex(of: "]") else { return nil }
                next = end + 1
            }
            skeleton += "#"
            selectors.append(Selector(metric: metric, matchers: matchers))
            chars = chars[next...]
        }
        return (skeleton, selectors)
    }

    private static func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == ":" }

    private static func closingBrace(_ chars: ArraySlice<Character>, from: Int) -> Int? {
        var inString = false
        var i = from + 1
        while i < chars.endIndex {
            let c = chars[i]
            if c == "\"" && chars[i - 1] != "\\" { inString.toggle() }
            if c == "}" && !inString { return i }
            i += 1
        }
        return nil
    }

    /// `a="x",b=~"y",c!~"5.*",` → the matchers in order.
    static func parseMatchers(_ text: String) -> [Matcher]? {
        var out: [Matcher] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "," {
                rest.removeFirst()
                continue
            }
            guard let quote = rest.firstIndex(of: "\"") else { return nil }
            let head = rest[..<quote]
            var valueEnd = rest.index(after: quote)
            while valueEnd < rest.endIndex, rest[valueEnd] != "\"" || rest[rest.index(before: valueEnd)] == "\\" {
                valueEnd = rest.index(after: valueEnd)
            }
            guard valueEnd < rest.endIndex else { return nil }
            let value = String(rest[rest.index(after: quote)..<valueEnd])
            guard let op = ["=~", "!~", "!=", "="].first(where: { head.hasSuffix($0) }), head.count > op.count else { return nil }
            out.append(Matcher(name: String(head.dropLast(op.count)), op: op, value: value))
            rest = rest[rest.index(after: valueEnd)...]
        }
        return out
    }
}
