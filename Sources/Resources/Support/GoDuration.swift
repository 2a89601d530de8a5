/// Go's `time.ParseDuration` syntax (`"1m30s"`, `"500ms"`, `"2h"`), which Flagger uses for intervals and timeouts.
public enum GoDuration {
    /// The duration in seconds, or `nil` when the text is not a valid Go duration.
    public static func seconds(_ text: String) -> Double? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !s.isEmpty else { return nil }
        var sign = 1.0
        if s.first == "-" || s.first == "+" {
            if s.first == "-" { sign = -1 }
            s = s.dropFirst()
        }
        if s == "0" { return 0 }
        var total = 0.0
        var sawUnit = false
        while !s.isEmpty {
            let number = s.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            s = s.dropFirst(number.count)
            let unit = s.prefix { $0.isLetter || $0 == "µ" }
            s = s.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1e-9
            case "us", "µs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += value * scale
            sawUnit = true
        }
        return sawUnit ? sign * total : nil
    }

    /// Formats seconds the way Go prints a duration (`1m0s`, `30s`, `1h30m0s`, `500ms`).
    public static func format(seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        if abs(seconds) < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        var rest = Int(seconds.rounded())
        let h = rest / 3600
        rest %= 3600
        let m = rest / 60
        let sec = rest % 60
        if h > 0 { return "\(h)h\(m)m\(sec)s" }
        if m > 0 { return "\(m)m\(sec)s" }
        return "\(sec)s"
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension Set where Element == Character {
    fileprivate static let whitespaces: Set<Character> = [" ", "\t", "\n", "\r"]
}
