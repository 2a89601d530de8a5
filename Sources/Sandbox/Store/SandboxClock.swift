import Foundation

/// The Sandbox's notion of "now": real time plus an offset, or frozen at a set instant.
///
/// Controllers read it (progress deadlines), timestamps come from it, and the metrics counters grow with it.
/// The control API sets, freezes and advances it (`/sandbox/clock`).
public struct SandboxClock: Sendable {
    private var offset: TimeInterval = 0
    private var frozenAt: Date? = nil

    /// A clock that follows real time.
    public init() {}

    /// The current sandbox time.
    public var now: Date { frozenAt ?? Date().addingTimeInterval(offset) }

    /// Whether the clock is frozen (it only moves when advanced).
    public var isFrozen: Bool { frozenAt != nil }

    /// Moves the clock forward (or back, with a negative interval).
    public mutating func advance(by seconds: TimeInterval) {
        if let f = frozenAt { frozenAt = f.addingTimeInterval(seconds) } else { offset += seconds }
    }

    /// Sets the clock to `date`; `freeze` stops it there until the next change.
    public mutating func set(_ date: Date, freeze: Bool) {
        if freeze {
            frozenAt = date
        } else {
            frozenAt = nil
            offset = date.timeIntervalSinceNow
        }
    }

    /// Lets a frozen clock run again from where it stands.
    public mutating func unfreeze() {
        if let f = frozenAt {
            offset = f.timeIntervalSinceNow
            frozenAt = nil
        }
    }
}

/// RFC 3339 timestamps as Kubernetes writes them (`2026-01-02T03:04:05Z`).
enum Timestamp {
    static func string(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS(.fff)?Z`; nil otherwise.
    static func parse(_ text: String) -> Date? {
        let digits = text.unicodeScalars
        guard digits.count >= 20, text.hasSuffix("Z") else { return nil }
        let chars = Array(text)
        func num(_ from: Int, _ len: Int) -> Int32? { Int32(String(chars[from..<(from + len)])) }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let s = num(17, 2)
        else { return nil }
        var parts = tm()
        parts.tm_year = y - 1900
        parts.tm_mon = mo - 1
        parts.tm_mday = d
        parts.tm_hour = h
        parts.tm_min = mi
        parts.tm_sec = s
        let t = timegm(&parts)
        return Date(timeIntervalSince1970: TimeInterval(t))
    }
}

/// Go-style durations for the control API: `90s`, `5m`, `1h30m`, `250ms`, or plain seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        if let plain = Double(text) { return plain }
        var total = 0.0
        var number = ""
        var chars = Array(text)[...]
        guard !chars.isEmpty else { return nil }
        while let c = chars.first {
            if c.isNumber || c == "." {
                number.append(c)
                chars.removeFirst()
                continue
            }
            var unit = ""
            while let u = chars.first, u.isLetter {
                unit.append(u)
                chars.removeFirst()
            }
            guard let value = Double(number) else { return nil }
            let factor: Double
            switch unit {
            case "ms": factor = 0.001
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            default: return nil
            }
            total += value * factor
            number = ""
        }
        return number.isEmpty ? total : nil
    }
}
