import Resources

/// Threshold evaluation and Flagger's texts (§4.2).
///
/// Bounds are inclusive; `thresholdRange` wins over the deprecated `threshold` (a minimum for
/// `request-success-rate`, a maximum otherwise; see `CanaryMetric.bounds`).
public enum ThresholdCheck {
    /// The outcome of comparing a value with a metric's bounds.
    public struct Outcome: Sendable, Hashable {
        /// Whether the value is within bounds.
        public var passed: Bool
        /// Flagger's warning text when out of bounds; a short confirmation otherwise.
        public var message: String
    }

    /// `request-success-rate` (a percentage).
    public static func successRate(_ value: Double, metric: CanaryMetric, canary: Canary) -> Outcome {
        let b = metric.bounds
        let who = "\(canary.name).\(canary.namespace)"
        let v = GoFormat.fixed(value, decimals: 2)
        if let min = b.min, value < min {
            return Outcome(passed: false, message: "Halt \(who) advancement success rate \(v)% < \(GoFormat.value(min))%")
        }
        if let max = b.max, value > max {
            return Outcome(passed: false, message: "Halt \(who) advancement success rate \(v)% > \(GoFormat.value(max))%")
        }
        return Outcome(passed: true, message: "success rate \(v)%" + rangeText(b) { GoFormat.value($0) + "%" })
    }

    /// `request-duration`, compared in whole milliseconds as Flagger does.
    public static func duration(milliseconds ms: Int64, metric: CanaryMetric, canary: Canary) -> Outcome {
        let b = metric.bounds
        let who = "\(canary.name).\(canary.namespace)"
        let v = GoFormat.duration(milliseconds: ms)
        if let min = b.min, ms < Int64(min) {
            return Outcome(
                passed: false,
                message: "Halt \(who) advancement request duration \(v) < \(GoFormat.duration(milliseconds: Int64(min)))")
        }
        if let max = b.max, ms > Int64(max) {
            return Outcome(
                passed: false,
                message: "Halt \(who) advancement request duration \(v) > \(GoFormat.duration(milliseconds: Int64(max)))")
        }
        return Outcome(
            passed: true, message: "request duration \(v)" + rangeText(b) { GoFormat.duration(milliseconds: Int64($0)) })
    }

    /// Inline-query and template metrics.
    public static func custom(_ value: Double, metric: CanaryMetric, canary: Canary) -> Outcome {
        let b = metric.bounds
        let who = "\(canary.name).\(canary.namespace)"
        let v = GoFormat.fixed(value, decimals: 2)
        if let min = b.min, value < min {
            return Outcome(passed: false, message: "Halt \(who) advancement \(metric.name) \(v) < \(GoFormat.value(min))")
        }
        if let max = b.max, value > max {
            return Outcome(passed: false, message: "Halt \(who) advancement \(metric.name) \(v) > \(GoFormat.value(max))")
        }
        return Outcome(passed: true, message: "\(metric.name) \(v)" + rangeText(b) { GoFormat.value($0) })
    }

    /// ` within [min, max]`, ` ≥ min`, ` ≤ max` or ` (no bounds)`.
    static func rangeText(_ b: ThresholdRange, _ f: (Double) -> String) -> String {
        switch (b.min, b.max) {
        case (let lo?, let hi?): return " within [\(f(lo)), \(f(hi))]"
        case (let lo?, nil): return " >= \(f(lo))"
        case (nil, let hi?): return " <= \(f(hi))"
        case (nil, nil): return " (no bounds set)"
        }
    }
}
