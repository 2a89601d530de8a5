import Foundation
import KubeAPI
import Logging

/// The outcome of POSTing to a hook with retries.
public struct WebhookOutcome: Sendable, Hashable {
    /// How the call ended.
    public enum Result: Sendable, Hashable {
        /// Final status ≤ 202 (Flagger's success rule).
        case succeeded
        /// A failure: a non-retried status (203+, 4xx, 501), exhausted retries, or a non-retryable error.
        case failed
        /// The run's budget ended first: nothing is concluded, the next run asks again.
        case notDone
    }
    /// How the call ended.
    public var result: Result
    /// The last HTTP status, if any response came.
    public var status: Int?
    /// Attempts made.
    public var attempts: Int
    /// Flagger's error text on failure (the body of a non-retried answer, or "giving up after N attempt(s)"),
    /// or a short confirmation; never holds secret values.
    public var message: String
}

/// POSTs JSON to hooks with Flagger's retry rules (§3.1): retry on connection errors, 429 and 5xx except
/// 501, exponential back-off, `Retry-After` honoured; each attempt bounded by the hook's timeout and by the
/// run's remaining budget.
public struct WebhookCaller: Sendable {
    /// Transport.
    public let client: any HTTPClient
    /// Back-off.
    public let retry: RetryPolicy
    /// The run's budget.
    public let deadline: Deadline

    /// Creates a caller.
    public init(client: any HTTPClient, retry: RetryPolicy = RetryPolicy(), deadline: Deadline = .unbounded) {
        self.client = client
        self.retry = retry
        self.deadline = deadline
    }

    /// Whether a status is worth retrying.
    static func isRetryable(status: Int) -> Bool { status == 429 || (status >= 500 && status != 501 && status < 600) }

    /// Whether a transport error is worth retrying (not TLS verification or a malformed request).
    static func isRetryable(_ e: TransportError) -> Bool {
        switch e.code {
        case .tlsCertificate, .tlsClientCertificate, .tls, .invalidRequest: return false
        default: return true
        }
    }

    /// POSTs `body` to `url`; `retries` extra attempts at most.
    public func post(
        url: String, body: Data, timeout: Duration, retries: Int, insecureSkipVerify: Bool,
        headers: [HTTPHeader] = [HTTPHeader("Content-Type", "application/json")], proxy: String? = nil,
        redactor: SecretRedactor = SecretRedactor()
    ) async -> WebhookOutcome {
        let shown = redactor.redact(URLText.display(url))
        guard URLText.isValidHTTP(url) else {
            return WebhookOutcome(result: .failed, status: nil, attempts: 0, message: "invalid URL \(shown)")
        }
        let maxAttempts = max(0, retries) + 1
        var attempts = 0
        var lastStatus: Int?
        var lastProblem = ""
        while attempts < maxAttempts {
            if deadline.isExpired {
                return WebhookOutcome(result: .notDone, status: lastStatus, attempts: attempts, message: "budget")
            }
            let (attemptTimeout, capped) = deadline.cap(timeout)
            let request = HTTPRequest(
                method: "POST", url: url, headers: headers, body: body, timeout: attemptTimeout,
                tls: TLSOptions(insecureSkipVerify: insecureSkipVerify), proxy: proxy)
            attempts += 1
            var retryAfter: Duration?
            do {
                let response = try await client.send(request)
                lastStatus = response.status
                if !Self.isRetryable(status: response.status) {
                    if response.status <= 202 {
                        return WebhookOutcome(
                            result: .succeeded, status: response.status, attempts: attempts,
                            message: "POST \(shown) returned \(response.status) \(HTTPStatusText.text(response.status))")
                    }
                    let text = redactor.redact(HTTPStatusText.bodySnippet(response.body))
                    let message = text.isEmpty ? "HTTP \(response.status) \(HTTPStatusText.text(response.status))" : text
                    return WebhookOutcome(result: .failed, status: response.status, attempts: attempts, message: message)
                }
                lastProblem = "HTTP \(response.status) \(HTTPStatusText.text(response.status))"
                if response.status == 429 || response.status == 503,
                    let s = response.headers["retry-after"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
                    s >= 0
                {
                    retryAfter = .seconds(s)
                }
            } catch {
                if capped && error.code == .timedOut {
                    return WebhookOutcome(result: .notDone, status: lastStatus, attempts: attempts, message: "budget")
                }
                let text = redactor.redact(error.description)
                guard Self.isRetryable(error) else {
                    return WebhookOutcome(
                        result: .failed, status: nil, attempts: attempts, message: "POST \(shown): \(text)")
                }
                lastProblem = text
            }
            guard attempts < maxAttempts else { break }
            let wait = retry.backoff(attempt: attempts - 1, retryAfter: retryAfter)
            if let left = deadline.remaining, left <= wait {
                return WebhookOutcome(result: .notDone, status: lastStatus, attempts: attempts, message: "budget")
            }
            try? await Task.sleep(for: wait)  // cancellation ends the wait early; the next attempt then runs
        }
        return WebhookOutcome(
            result: .failed, status: lastStatus, attempts: attempts,
            message: "POST \(shown) giving up after \(attempts) attempt(s): \(lastProblem)")
    }
}
