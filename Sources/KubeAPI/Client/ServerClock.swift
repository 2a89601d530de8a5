import Foundation
import Synchronization

/// The API server's clock: the `Date` header of the first response of the run, advanced by the time elapsed
/// since (architecture "Clocks": analysis time is the server's, so machines with skewed clocks agree).
public final class ServerClock: Sendable {
    private let first = Mutex<(date: Date, at: ContinuousClock.Instant)?>(nil)

    /// Creates an unset clock.
    public init() {}

    /// The server's `Date` of the first response, if one arrived.
    public var firstResponseDate: Date? { first.withLock { $0?.date } }

    /// The server's time now, or `nil` before the first response.
    public func now() -> Date? {
        first.withLock { f in f.map { $0.date.addingTimeInterval(Self.seconds(ContinuousClock.now - $0.at)) } }
    }

    /// Records the `Date` header of a response; only the first one counts.
    func observe(dateHeader: String?) {
        guard let header = dateHeader, let date = Self.parseHTTPDate(header) else { return }
        let at = ContinuousClock.now
        first.withLock { f in
            if f == nil { f = (date, at) }
        }
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func parseHTTPDate(_ s: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: s)
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
