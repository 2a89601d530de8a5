import KubeAPI

/// Why a metric query produced no usable value.
public enum MetricQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An empty result, NaN, or a provider saying it has no data (Flagger's `no values found`).
    case noValues(detail: String?)
    /// A range vector (`values`) instead of an instant value (Flagger's `query returned multiple values`).
    case multipleValues
    /// The server answered with an error status; the body (redacted, shortened) says why.
    case httpStatus(code: Int, body: String)
    /// No HTTP response: connect, DNS, TLS, timeout. `cappedByBudget` when the run's budget bounded the wait.
    case transport(TransportError, cappedByBudget: Bool)
    /// The response is not what the provider's API documents.
    case badResponse(String)
    /// The provider cannot be built: missing credentials, invalid address, unsupported type.
    case configuration(String)
    /// The run's time budget ended before the query could be sent.
    case budgetExhausted

    /// Whether the error means "no data" (subject to the metric's `onNoData`).
    public var isNoValues: Bool { if case .noValues = self { return true } else { return false } }

    /// Whether the run's budget, not the provider, stopped the query (the check is then not done).
    public var isBudget: Bool {
        switch self {
        case .budgetExhausted: return true
        case .transport(let e, let capped): return capped && e.code == .timedOut
        default: return false
        }
    }

    /// Flagger's wording where it has one.
    public var description: String {
        switch self {
        case .noValues(let detail):
            if let detail, !detail.isEmpty { return "invalid response: \(detail): no values found" }
            return "no values found"
        case .multipleValues: return "query returned multiple values"
        case .httpStatus(let code, let body):
            let text = HTTPStatusText.text(code)
            return "error response: Status \(code)\(text.isEmpty ? "" : " " + text): \(body)"
        case .transport(let e, let capped):
            return "request failed: \(e.description)\(capped ? " (the run's time budget ended)" : "")"
        case .badResponse(let m): return m
        case .configuration(let m): return m
        case .budgetExhausted: return "not sent: the run's time budget is used up"
        }
    }
}
