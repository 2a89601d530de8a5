import Foundation

/// RFC 3339 timestamps as Kubernetes writes them (`2026-01-02T03:04:05Z`).
public enum RFC3339 {
    /// Parses `2026-01-02T03:04:05Z`, with optional fractional seconds and a numeric offset.
    public static func parse(_ text: String) -> Date? {
        // The common form (`2026-01-02T03:04:05Z` or `+01:00`, no fraction) by arithmetic: a formatter per call
        // (ICU) was a third of a no-op run's CPU, spent decoding the timestamps of every observed Canary.
        if let date = parseWholeSeconds(Array(text.utf8)) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM` (upper-case `T` and `Z`), a valid calendar date; else nil (the
    /// formatters decide).
    static func parseWholeSeconds(_ b: [UInt8]) -> Date? {
        guard b.count == 20 || b.count == 25 else { return nil }
        func number(_ at: Int, _ digits: Int) -> Int? {
            var v = 0
            for k in at..<at + digits {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45, let day = number(8, 2),
              b[10] == 84, let hour = number(11, 2), b[13] == 58, let minute = number(14, 2), b[16] == 58,
              let second = number(17, 2), (1...12).contains(month), hour < 24, minute < 60, second < 60
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day >= 1, day <= monthDays[month - 1] else { return nil }
        var offset = 0
        if b.count == 20 {
            guard b[19] == 90 else { return nil }
        } else {
            guard b[19] == 43 || b[19] == 45, let oh = number(20, 2), b[22] == 58, let om = number(23, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (b[19] == 43 ? 1 : -1)
        }
        // Days since 1970-01-01 of a proleptic Gregorian date (the "days from civil" algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second - offset))
    }

    /// Formats with second precision in UTC, as `metav1.Time` does (`2026-01-02T03:04:05Z`; fractions truncated).
    public static func format(_ date: Date) -> String {
        let (seconds, _) = split(date)
        return civil(seconds) + "Z"
    }

    /// Formats with microsecond precision in UTC, as `metav1.MicroTime` does (Leases, Events).
    public static func formatMicro(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        return civil(seconds) + "." + pad(micros, 6) + "Z"
    }

    /// Whole seconds since 1970 (floor) and the microseconds within that second (rounded).
    private static func split(_ date: Date) -> (Int, Int) {
        let totalMicros = Int((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = totalMicros >= 0 ? totalMicros / 1_000_000 : -((-totalMicros + 999_999) / 1_000_000)
        return (seconds, totalMicros - seconds * 1_000_000)
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a Unix time in UTC, by arithmetic (a formatter per call costs ICU set-up; status
    /// writes, events and leases format a timestamp for every canary).
    private static func civil(_ unix: Int) -> String {
        let days = unix >= 0 ? unix / 86_400 : -((-unix + 86_399) / 86_400)
        let secondOfDay = unix - days * 86_400
        // The "civil from days" algorithm (proleptic Gregorian calendar).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2) + ":"
            + pad(secondOfDay % 3_600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
