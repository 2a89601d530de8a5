import Foundation
import Synchronization
internal import CCurl

/// Drives one `curl_multi` handle on one dedicated thread.
///
/// Callers enqueue ``CurlJob``s under a mutex and wake the thread with `curl_multi_wakeup` (the only multi call that
/// is safe from other threads). The thread owns the multi handle and every easy handle: it adds at most
/// `maxConcurrent` transfers at a time, reuses idle easy handles, and the multi handle's connection cache lets every
/// transfer of a run reuse connections (and multiplex over HTTP/2 when the server offers it).
///
/// `@unchecked Sendable` because the only state touched from other threads is `shared` (behind a `Mutex`) and
/// `multi`, which other threads use only for `curl_multi_wakeup` while `shared.multiAlive` is true, checked under the
/// same lock.
final class CurlMultiDriver: @unchecked Sendable {
    private struct Shared {
        var pending: [CurlJob] = []
        var cancelled: Set<UInt64> = []
        var stopping = false
        var multiAlive = true
        var nextID: UInt64 = 1
    }

    private let shared = Mutex(Shared())
    private let multi: UnsafeMutableRawPointer
    private let maxConcurrent: Int

    /// Creates the multi handle and starts the driver thread.
    init(maxConcurrent: Int) throws(TransportError) {
        _ = ensureCurlInitialized()
        guard let m = curl_multi_init() else {
            throw TransportError(code: .other, server: "", message: "curl_multi_init failed (out of memory?)")
        }
        multi = m
        self.maxConcurrent = max(1, maxConcurrent)
        _ = ccurl_multi_setopt_long(m, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = ccurl_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, self.maxConcurrent * 4)
        let thread = Thread { [self] in self.run() }
        thread.name = "gitcanary-curl"
        thread.start()
    }

    /// Jobs waiting for a free transfer slot.
    var queuedCount: Int { shared.withLock { $0.pending.count } }

    /// A fresh job id.
    func makeID() -> UInt64 {
        shared.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
    }

    /// Queues a job; fails it at once when the driver has stopped or the calling task is already cancelled.
    ///
    /// Call from the requesting task: the cancellation check and the enqueue happen under the same lock as
    /// ``cancel(_:)``, so a cancellation is never lost between the two.
    func submit(_ job: CurlJob) {
        let rejection = shared.withLock { s -> TransportError? in
            if s.stopping { return Self.stoppedError(job.request) }
            if Task.isCancelled { return Self.cancelledError(job.request) }
            s.pending.append(job)
            curl_multi_wakeup(multi)
            return nil
        }
        if let rejection { job.continuation.resume(returning: .failure(rejection)) }
    }

    /// Cancels a job: a queued one fails at once, a running one is removed by the driver thread.
    func cancel(_ id: UInt64) {
        let queued = shared.withLock { s -> CurlJob? in
            if let i = s.pending.firstIndex(where: { $0.id == id }) { return s.pending.remove(at: i) }
            s.cancelled.insert(id)
            if s.multiAlive { curl_multi_wakeup(multi) }
            return nil
        }
        queued?.continuation.resume(returning: .failure(Self.cancelledError(queued?.request)))
    }

    /// Asks the thread to fail everything still queued or running, free its handles and exit.
    func stop() {
        shared.withLock { s in
            s.stopping = true
            if s.multiAlive { curl_multi_wakeup(multi) }
        }
    }

    // MARK: driver thread

    private func run() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        var idle: [CurlEasy] = []
        while true {
            let capacity = maxConcurrent - active.count
            let (jobs, cancelled, stopping) = shared.withLock { s -> ([CurlJob], Set<UInt64>, Bool) in
                let n = s.stopping ? s.pending.count : min(capacity, s.pending.count)
                let taken = Array(s.pending.prefix(n))
                s.pending.removeFirst(n)
                let c = s.cancelled
                s.cancelled = []
                return (taken, c, s.stopping)
            }
            if stopping {
                for job in jobs { job.continuation.resume(returning: .failure(Self.stoppedError(job.request))) }
                for (raw, transfer) in active {
                    curl_multi_remove_handle(multi, raw)
                    transfer.job.continuation.resume(returning: .failure(Self.stoppedError(transfer.job.request)))
                }
                active = [:]
                idle = []
                shared.withLock { $0.multiAlive = false }
                curl_multi_cleanup(multi)
                return
            }
            for (raw, transfer) in active where cancelled.contains(transfer.job.id) {
                curl_multi_remove_handle(multi, raw)
                active[raw] = nil
                idle.append(transfer.easy)
                transfer.job.continuation.resume(returning: .failure(Self.cancelledError(transfer.job.request)))
            }
            for job in jobs {
                switch start(job, idle: &idle) {
                case .success(let transfer):
                    active[transfer.easy.raw] = transfer
                    curl_multi_add_handle(multi, transfer.easy.raw)
                case .failure(let error):
                    job.continuation.resume(returning: .failure(error))
                }
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            var finished = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard ccurl_msg_is_done(msg) != 0, let raw = msg.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: raw) else { continue }
                let code = ccurl_msg_result(msg)
                curl_multi_remove_handle(multi, raw)
                let result: Result<HTTPResponse, TransportError> =
                    code == CURLE_OK ? .success(transfer.response()) : .failure(transfer.failure(code))
                idle.append(transfer.easy)
                transfer.job.continuation.resume(returning: result)
                finished += 1
            }
            // Freed capacity may let queued jobs start at once; go round again before waiting.
            if finished > 0 { continue }
            // Waits for socket activity, libcurl's next timeout, or a wakeup from submit/cancel/stop.
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    /// Configures an idle (or new) easy handle for `job`; on failure the handle goes back to `idle`.
    private func start(_ job: CurlJob, idle: inout [CurlEasy]) -> Result<CurlTransfer, TransportError> {
        let easy: CurlEasy
        if let reused = idle.popLast() {
            easy = reused
            easy.reset()
        } else {
            do throws(TransportError) { easy = try CurlEasy() } catch { return .failure(error) }
        }
        do throws(TransportError) {
            return .success(try CurlTransfer(job: job, easy: easy))
        } catch {
            idle.append(easy)
            return .failure(error)
        }
    }

    private static func stoppedError(_ request: HTTPRequest) -> TransportError {
        TransportError(code: .other, server: CurlTransfer.serverName(of: request.url), message: "the HTTP client was shut down")
    }

    private static func cancelledError(_ request: HTTPRequest?) -> TransportError {
        TransportError(
            code: .other, server: request.map { CurlTransfer.serverName(of: $0.url) } ?? "", message: "the request was cancelled")
    }
}
