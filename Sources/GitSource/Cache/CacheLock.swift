import Foundation

/// An advisory `flock(2)` on a lock file next to a cache entry, held until this object is released.
///
/// Fetches take it exclusively (they may add objects, move refs, or remove and re-clone a damaged cache);
/// readers take it shared. Works across processes (CronJob pods sharing a volume) and within one process (each
/// lock opens its own file description). Waiting polls until a deadline instead of blocking forever.
final class CacheLock {
    private let fd: Int32

    /// Takes the lock, waiting until `deadline` at most.
    init(path: String, exclusive: Bool, deadline: ContinuousClock.Instant?) throws(GitSourceError) {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GitSourceError(.cache, "cannot open the cache lock file \(path): \(String(cString: strerror(errno))); check --cache-dir is writable")
        }
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        while flock(fd, operation) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let message = String(cString: strerror(errno))
                close(fd)
                throw GitSourceError(.cache, "cannot lock \(path): \(message)")
            }
            if let deadline, ContinuousClock.now >= deadline {
                close(fd)
                throw GitSourceError(.cache, "the cache \(path) stayed locked by another run until the time limit; is another gitcanary stuck?")
            }
            usleep(10_000)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

@available(*, unavailable)
extension CacheLock: Sendable {}
