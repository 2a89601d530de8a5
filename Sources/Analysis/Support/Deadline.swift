/// The time budget of one run, measured on the monotonic clock.
///
/// A run (a CronJob or CI job) must end well before its next schedule. The Reconciler creates one `Deadline`
/// per run and hands it to the ``Analyzer``; every network call of the module takes the remaining budget
/// into account: a call's timeout is `min(own timeout, remaining budget)`, and no retry starts when the budget
/// cannot cover its back-off. A check the budget cut short is recorded as *not done* (verdict `hold`), so the
/// next run asks again; nothing is half-recorded.
public struct Deadline: Sendable, Hashable, CustomStringConvertible {
    /// When the budget ends; `nil` means unbounded.
    public let instant: ContinuousClock.Instant?

    /// A budget that ends `budget` after `start`.
    public init(after budget: Duration, from start: ContinuousClock.Instant = .now) {
        self.instant = start.advanced(by: budget)
    }

    /// A budget that ends at `instant` (`nil`: never).
    public init(at instant: ContinuousClock.Instant?) {
        self.instant = instant
    }

    /// The run budget GitCanary recommends when none is configured: 2 minutes, well under a 5-minute CronJob
    /// schedule and long enough for a 10 s hook with a few retries.
    public static let defaultRunBudget: Duration = .seconds(120)

    /// No budget: calls are bounded only by their own timeouts.
    public static let unbounded = Deadline(at: nil)

    /// The time left (`nil` when unbounded); never negative.
    public var remaining: Duration? {
        guard let instant else { return nil }
        let left = ContinuousClock.now.duration(to: instant)
        return left < .zero ? .zero : left
    }

    /// Whether the budget is used up.
    public var isExpired: Bool {
        guard let left = remaining else { return false }
        return left <= .zero
    }

    /// The timeout to use for a call whose own limit is `timeout`, and whether the budget (not the call's own
    /// limit) is what bounds it.
    public func cap(_ timeout: Duration) -> (timeout: Duration, cappedByBudget: Bool) {
        guard let left = remaining, left < timeout else { return (timeout, false) }
        return (left, true)
    }

    /// A readable form for messages.
    public var description: String {
        guard let left = remaining else { return "unbounded" }
        return "\(left.seconds.formatted2)s left"
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

extension Double {
    /// Two decimals, as Go's `%.2f`.
    var formatted2: String { GoFormat.fixed(self, decimals: 2) }
}
