import Foundation
import KubeAPI
import Resources
import Synchronization

/// A held Lease: renewed in the background every ``LeaseLock/renewInterval`` until ``release()``.
///
/// A renewal that meets a Conflict means another run took the Lease (this one stalled past its expiry):
/// ``isLost`` turns true and renewal stops; the caller should stop writing.
public final class LeaseHandle: Sendable {
    private struct State {
        var record: LeaseRecord
        var lost = false
        var released = false
        var renewals = 0
    }

    private let lock: LeaseLock
    private let state: Mutex<State>
    private let renewer = Mutex<Task<Void, Never>?>(nil)

    init(lock: LeaseLock, record: LeaseRecord, waited: Bool = false) {
        self.lock = lock
        self.waited = waited
        state = Mutex(State(record: record))
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: lock.renewInterval)  // cancellation is checked by the loop
                guard !Task.isCancelled, let self else { return }
                if await !self.renew() { return }
            }
        }
        renewer.withLock { $0 = task }
    }

    deinit { renewer.withLock { $0?.cancel() } }

    /// Whether another run took the Lease from this one.
    public var isLost: Bool { state.withLock { $0.lost } }
    /// Successful renewals so far.
    public var renewals: Int { state.withLock { $0.renewals } }
    /// Whether another run held the Lease while this one waited for it: the cluster may have changed since this
    /// run observed it, so observe and plan again before writing.
    public let waited: Bool
    /// The identity holding it.
    public var identity: String { lock.identity }

    /// Renews once; false when renewal must stop (lost or released).
    @discardableResult
    func renew() async -> Bool {
        guard var record = state.withLock({ s -> LeaseRecord? in s.lost || s.released ? nil : s.record }) else { return false }
        record.renewTime = lock.serverNow()
        do {
            let written = try await lock.client.update(
                BuiltinResources.leases, namespace: lock.namespace, name: lock.name,
                object: record.object(name: lock.name, namespace: lock.namespace))
            record.resourceVersion = LeaseRecord(lease: written).resourceVersion
            state.withLock {
                if !$0.released {
                    $0.record = record
                    $0.renewals += 1
                }
            }
            return true
        } catch where error.isConflict || error.isNotFound {
            state.withLock { $0.lost = true }
            lock.logger.error("the lease was taken by another run; stop writing", metadata: ["lease": "\(lock.namespace)/\(lock.name)"])
            return false
        } catch {
            lock.logger.warning("lease renewal failed; retrying", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// Stops renewing and clears `holderIdentity` (keeping `leaseDurationSeconds`), conditional on the last
    /// resourceVersion; returns false when the Lease was lost or the write failed (it then expires by itself).
    @discardableResult
    public func release() async -> Bool {
        let task = renewer.withLock { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        task?.cancel()
        await task?.value
        guard var record = state.withLock({ s -> LeaseRecord? in
            defer { s.released = true }
            return s.lost || s.released ? nil : s.record
        }) else { return false }
        record.holder = ""
        record.acquireTime = nil
        record.renewTime = nil
        do {
            _ = try await lock.client.update(
                BuiltinResources.leases, namespace: lock.namespace, name: lock.name,
                object: record.object(name: lock.name, namespace: lock.namespace))
            lock.logger.debug("lease released", metadata: ["lease": "\(lock.namespace)/\(lock.name)"])
            return true
        } catch {
            lock.logger.warning("the lease could not be released; it expires by itself", metadata: ["error": "\(error)"])
            return false
        }
    }
}
