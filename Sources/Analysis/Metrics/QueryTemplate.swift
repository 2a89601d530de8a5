/// The values a metric query may use: Flagger's `MetricTemplateModel` (§4.3).
public struct MetricTemplateModel: Sendable, Hashable {
    /// Canary name.
    public var name: String
    /// Canary namespace.
    public var namespace: String
    /// `targetRef.name`.
    public var target: String
    /// `service.name`, else the target name.
    public var service: String
    /// `ingressRef.name`, else the target name.
    public var ingress: String
    /// `routeRef.name`, else the target name.
    public var route: String
    /// The metric interval, e.g. `1m`.
    public var interval: String
    /// The metric's `templateVariables`.
    public var variables: [String: String]

    /// Creates a model.
    public init(
        name: String, namespace: String, target: String, service: String, ingress: String, route: String,
        interval: String, variables: [String: String] = [:]
    ) {
        self.name = name
        self.namespace = namespace
        self.target = target
        self.service = service
        self.ingress = ingress
        self.route = route
        self.interval = interval
        self.variables = variables
    }

    /// The names a template may use, for messages.
    static let functionNames = ["name", "namespace", "target", "service", "ingress", "route", "interval"]

    func value(of function: String) -> String? {
        switch function {
        case "name": return name
        case "namespace": return namespace
        case "target": return target
        case "service": return service
        case "ingress": return ingress
        case "route": return route
        case "interval": return interval
        default: return nil
        }
    }
}

/// Why a query template could not be rendered.
public struct QueryTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending expression, e.g. `{{ variables.region }}`.
    public var expression: String
    /// What is wrong and what to do.
    public var reason: String
    /// A readable form for messages.
    public var description: String { "\(expression): \(reason)" }
}

/// Renders Flagger metric queries: `{{ name }}`, `{{ namespace }}`, `{{ target }}`, `{{ service }}`,
/// `{{ ingress }}`, `{{ route }}`, `{{ interval }}` and `{{ variables.<key> }}` (Go template's `{{-`/`-}}`
/// trim markers included). Anything else is rejected by name: GitCanary is not a general Go template engine.
public enum QueryTemplate {
    /// The rendered text, or the first expression that cannot be rendered.
    public static func render(_ template: String, model: MetricTemplateModel) throws(QueryTemplateError) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[rest.startIndex..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw QueryTemplateError(
                    expression: String(rest[open.lowerBound...].prefix(40)),
                    reason: "unclosed action: '{{' without a matching '}}'")
            }
            var inner = afterOpen[afterOpen.startIndex..<close.lowerBound]
            let expression = "{{" + inner + "}}"
            if inner.hasPrefix("-") {
                inner = inner.dropFirst()
                while let last = out.last, last.isWhitespace { out.removeLast() }
            }
            var trimAfter = false
            if inner.hasSuffix("-") {
                inner = inner.dropLast()
                trimAfter = true
            }
            out += try evaluate(inner.trimmingSpaces, expression: expression, model: model)
            rest = afterOpen[close.upperBound...]
            if trimAfter { rest = rest.drop { $0.isWhitespace } }
        }
        out += rest
        return out
    }

    private static func evaluate(
        _ inner: Substring, expression: String, model: MetricTemplateModel
    ) throws(QueryTemplateError) -> String {
        let word = String(inner)
        if let v = model.value(of: word) { return v }
        if word.hasPrefix("variables.") {
            let key = String(word.dropFirst("variables.".count))
            if let v = model.variables[key] { return v }
            let known = model.variables.keys.sorted()
            let hint =
                known.isEmpty
                ? "the metric has no templateVariables" : "templateVariables has: \(known.joined(separator: ", "))"
            throw QueryTemplateError(
                expression: expression, reason: "map has no entry for key \"\(key)\" (\(hint))")
        }
        if word == "variables" {
            throw QueryTemplateError(expression: expression, reason: "use variables.<key> to read a template variable")
        }
        let supported = (MetricTemplateModel.functionNames + ["variables.<key>"]).joined(separator: ", ")
        let what = word.contains(where: { $0 == " " || $0 == "|" || $0 == "$" || $0 == "(" || $0 == "." })
            ? "unsupported template expression" : "function \"\(word)\" not defined"
        throw QueryTemplateError(expression: expression, reason: "\(what); supported: \(supported)")
    }

    /// Every run of white space (newlines and tabs included) folded into one space, ends trimmed, as Flagger does
    /// before sending a Prometheus query.
    public static func foldWhitespace(_ query: String) -> String {
        query.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
