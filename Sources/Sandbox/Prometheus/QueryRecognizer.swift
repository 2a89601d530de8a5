/// Recognises the PromQL the Sandbox answers: `vector(1)` and Flagger's builtin request-success-rate and
/// request-duration queries for the istio, linkerd, nginx, kubernetes/gatewayapi (http) and contour observers.
///
/// This is deliberately not a PromQL engine: the query's shape is matched after removing all whitespace, with
/// every `metric{labels}[interval]` selector reduced to its metric name; the labels then name the workload.
enum QueryRecognizer {
    enum Measure: Equatable {
        case successRate
        /// Latency; `factor` converts milliseconds into the query's unit (1 for ms, 0.001 for seconds).
        case duration(factor: Double)
    }

    enum Workload: Equatable {
        /// A Deployment or DaemonSet by name.
        case named(String)
        /// The workload behind an Ingress (nginx).
        case ingress(String)
    }

    enum Recognized: Equatable {
        case constant(Double)
        case workload(measure: Measure, namespace: String, workload: Workload, observer: String)
    }

    struct Selector {
        var metric: String
        var labels: [String: String]
    }

    static func recognize(_ query: String) -> Recognized? {
        let compact = String(query.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        if compact.hasPrefix("vector("), compact.hasSuffix(")"),
            let v = Double(compact.dropFirst("vector(".count).dropLast())
        {
            return .constant(v)
        }
        guard let (skeleton, selectors) = reduce(compact), let first = selectors.first else { return nil }
        let names = selectors.map(\.metric)
        let measure: Measure
        switch skeleton {
        case "sum(rate(#))/sum(rate(#))*100" where names.count == 2 && names[0] == names[1]:
            measure = .successRate
        case "histogram_quantile(0.99,sum(rate(#))by(le))" where names.count == 1:
            measure = .duration(factor: names[0].contains("_seconds_") ? 0.001 : 1)
        case "sum(rate(#))/sum(rate(#))*1000"
        where names == ["nginx_ingress_controller_ingress_upstream_latency_seconds_sum",
                        "nginx_ingress_controller_ingress_upstream_latency_seconds_count"]:
            measure = .duration(factor: 1)
        default:
            return nil
        }
        let l = first.labels
        switch first.metric {
        case "istio_requests_total", "istio_request_duration_milliseconds_bucket":
            guard let ns = l["destination_workload_namespace"], let target = l["destination_workload"] else { return nil }
            return .workload(measure: measure, namespace: ns, workload: .named(unanchor(target)), observer: "istio")
        case "response_total", "response_latency_ms_bucket":
            guard let ns = l["namespace"], let target = l["deployment"] else { return nil }
            return .workload(measure: measure, namespace: ns, workload: .named(unanchor(target)), observer: "linkerd")
        case "nginx_ingress_controller_requests", "nginx_ingress_controller_ingress_upstream_latency_seconds_sum":
            guard let ns = l["namespace"], let ingress = l["ingress"] else { return nil }
            return .workload(measure: measure, namespace: ns, workload: .ingress(ingress), observer: "nginx")
        case "http_request_duration_seconds_count", "http_request_duration_seconds_bucket":
            guard let ns = l["kubernetes_namespace"], let pod = l["kubernetes_pod_name"],
                let cut = pod.range(of: "-[0-9a-zA-Z]+")
            else { return nil }
            return .workload(measure: measure, namespace: ns, workload: .named(String(pod[..<cut.lowerBound])), observer: "http")
        case "envoy_cluster_upstream_rq", "envoy_cluster_upstream_rq_time_bucket":
            guard let cluster = l["envoy_cluster_name"], let underscore = cluster.firstIndex(of: "_"),
                let canary = cluster.range(of: "-canary_")
            else { return nil }
            let ns = String(cluster[..<underscore])
            let target = String(cluster[cluster.index(after: underscore)..<canary.lowerBound])
            return .workload(measure: measure, namespace: ns, workload: .named(target), observer: "contour")
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
            guard let labels = parseLabels(String(chars[(brace + 1)..<close])) else { return nil }
            var next = close + 1
            if next < chars.endIndex, chars[next] == "[" {
                guard let end = chars[next...].firstIndex(of: "]") else { return nil }
                next = end + 1
            }
            skeleton += "#"
            selectors.append(Selector(metric: metric, labels: labels))
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

    /// `a="x",b=~"y",c!~"5.*",` → equality and regex matchers by name (negative matchers are skipped).
    static func parseLabels(_ text: String) -> [String: String]? {
        var out: [String: String] = [:]
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
            if head.hasSuffix("=~") {
                out[String(head.dropLast(2))] = value
            } else if head.hasSuffix("!~") || head.hasSuffix("!=") {
                // negative matchers (response_code!~"5.*") do not name the workload
            } else if head.hasSuffix("=") {
                out[String(head.dropLast())] = value
            } else {
                return nil
            }
            rest = rest[rest.index(after: valueEnd)...]
        }
        return out
    }

    private static func unanchor(_ v: String) -> String {
        var s = Substring(v)
        if s.hasPrefix("^") { s = s.dropFirst() }
        if s.hasSuffix("$") { s = s.dropLast() }
        return String(s)
    }
}
