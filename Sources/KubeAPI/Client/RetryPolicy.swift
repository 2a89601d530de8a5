/// When and how long to wait before repeating a failed call.
///
/// Retried: reads and server-side apply on 429, 5xx, timeouts and connection resets; every call when the connection
/// could not even be opened or the server said 429 (nothing was processed). Never retried: a write that may have
/// been applied (5xx or a reset after sending), and a Conflict (a conditional write that lost must be re-planned).
public struct RetryPolicy: Sendable {
    /// Total attempts, the first included.
    public var maxAttempts: Int
    /// The first backoff; doubled each attempt.
    public var baseDelay: Duration
    /// The longest wait, also the cap for `Retry-After`.
    public var maxDelay: Duration
    /// How to wait (injectable so tests do not sleep).
    public var sleep: @Sendable (Duration) async -> Void

    /// Creates a policy.
    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before attempt `attempt + 1` (attempts count from 1), or `nil` when `error` must not be retried.
    public func delay(after error: KubeAPIError, request: KubeRequest, attempt: Int) -> Duration? {
        guard attempt < maxAttempts, !error.isConflict else { return nil }
        let retryable: Bool
        switch error.code {
        case .transport:
            guard let t = error.transport else { return nil }
            retryable = t.code == .couldNotConnect || (request.isIdempotent && t.isRetryable)
        case .api:
            retryable = error.isTooManyRequests || (request.isIdempotent && error.isServerError && error.httpStatus != 501)
        default:
            retryable = false
        }
        guard retryable else { return nil }
        if let after = error.retryAfter { return min(after, maxDelay) }
        let factor = 1 << min(attempt - 1, 10)
        return min(baseDelay * factor, maxDelay)
    }
}
