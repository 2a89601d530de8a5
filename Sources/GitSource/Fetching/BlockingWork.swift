import Foundation
import Synchronization

/// Runs blocking libgit2 work on a dedicated thread, off Swift's cooperative pool, with a watchdog.
///
/// libgit2 calls block (network, disk). Running them on their own thread keeps async callers' executors free.
/// The watchdog answers the caller when `limit` passes even if libgit2 is stuck where no callback runs (a server
/// that accepts and never answers); the abandoned thread ends when the connection does, and keeps its cache lock
/// until then, so a later run waits for it rather than sharing the cache.
enum BlockingWork {
    static func run<T: Sendable>(
        limit: Duration?, onTimeout: @escaping @Sendable () -> GitSourceError,
        _ work: @escaping @Sendable () throws(GitSourceError) -> T
    ) async throws(GitSourceError) -> T {
        let result: Result<T, GitSourceError> = await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            let thread = Thread {
                let r: Result<T, GitSourceError>
                do throws(GitSourceError) { r = .success(try work()) } catch { r = .failure(error) }
                once.resume(r)
            }
            thread.stackSize = 16 << 20  // tree walks and YAML decoding recurse
            thread.start()
            if let limit {
                // A plain thread, not a Dispatch timer: Dispatch's global queues are the cooperative pool on Linux,
                // and the watchdog must fire even when that pool is saturated.
                let deadline = ContinuousClock.now + limit
                let watchdog = Thread {
                    while ContinuousClock.now < deadline, !once.isDone { Thread.sleep(forTimeInterval: 0.02) }
                    once.resume(.failure(onTimeout()))
                }
                watchdog.stackSize = 64 << 10
                watchdog.start()
            }
        }
        return try result.get()
    }
}

/// Resumes a continuation at most once (the worker and the watchdog race).
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, Never>?>
    init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = Mutex(continuation) }
    var isDone: Bool { continuation.withLock { $0 == nil } }
    func resume(_ value: T) {
        let c = continuation.withLock { c -> CheckedContinuation<T, Never>? in
            defer { c = nil }
            return c
        }
        c?.resume(returning: value)
    }
}
