import Foundation

/// Formats numbers and durations the way Flagger's Go code prints them, so messages match Flagger's texts.
public enum GoFormat {
    /// `%.<decimals>f`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return String(format: "%.\(decimals)f", value)
    }

    /// `%v` of a float64: the shortest representation, integral values without a fraction (`99`, `99.5`).
    public static func value(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e21 {
            return String(format: "%.0f", value)
        }
        return "\(value)"
    }

    /// Go's `time.Duration.String()` for a whole number of milliseconds: `0s`, `250ms`, `1.5s`, `1m30s`, `2h0m0s`.
    public static func duration(milliseconds ms: Int64) -> String {
        if ms == 0 { return "0s" }
        let negative = ms < 0
        let abs = ms.magnitude
        var text: String
        if abs < 1000 {
            text = "\(abs)ms"
        } else {
            let hours = abs / 3_600_000
            let minutes = (abs % 3_600_000) / 60_000
            let millis = abs % 60_000
            var seconds = "\(millis / 1000)"
            let fraction = millis % 1000
            if fraction > 0 {
                var f = String(fraction)
                while f.count < 3 { f = "0" + f }
                while f.hasSuffix("0") { f.removeLast() }
                seconds += "." + f
            }
            text = seconds + "s"
            if hours > 0 {
                text = "\(hours)h\(minutes)m" + text
            } else if minutes > 0 {
                text = "\(minutes)m" + text
            }
        }
        return negative ? "-" + text : text
    }
}
