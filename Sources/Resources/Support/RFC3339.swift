import Foundation

/// RFC 3339 timestamps as Kubernetes writes them (`2026-01-02T03:04:05Z`).
public enum RFC3339 {
    /// Parses `2026-01-02T03:04:05Z`, with optional fractional seconds and a numeric offset.
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Formats with second precision in UTC, as `metav1.Time` does.
    public static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// Formats with microsecond precision in UTC, as `metav1.MicroTime` does (Leases, Events).
    public static func formatMicro(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        let base = f.string(from: date)  // millisecond precision
        guard base.hasSuffix("Z"), let dot = base.lastIndex(of: ".") else { return base }
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded()) % 1_000_000
        return String(base[..<dot]) + "." + String(format: "%06d", (micros + 1_000_000) % 1_000_000) + "Z"
    }
}
