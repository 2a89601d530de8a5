import Foundation
import KubeAPI
import Logging
import Resources

/// The run lock (architecture rule 4): a `coordination.k8s.io/v1` Lease per shard, named `gitcanary-<shard>` in
/// the inventory namespace, short (15 s by default) and renewed by a background task while the run works, released
/// at the end (holder cleared, duration kept), so a run that died blocks the next one for seconds.
///
/// Take it only when the plan has writes. Expiry is judged on the real clock: the Lease's `renewTime` (written by
/// holders from the server's clock) plus `leaseDurationSeconds`, against the API server's time from its `Date`
/// header (``KubeClient/serverClock``), never the run's `--now`. Every create and update is conditional
/// (`resourceVersion`), so of two runs racing for it exactly one wins; the other sees a Conflict and looks again.
///
/// ```swift
/// switch try await LeaseLock(client: client, namespace: "gitcanary-system", name: "gitcanary-0",
///                            identity: "runner-abc").acquire(waitingUpTo: .seconds(30)) {
/// case .acquired(let lease):  // if lease.waited, observe and plan again: the holder may have done the work
///     ... apply ...; await lease.release()
/// case .heldBy(let holder, _): print("the lease is held by \(holder)"); exit 0
/// }
/// ```
public struct LeaseLock: Sendable {
    /// The outcome of ``acquire(waitingUpTo:)``.
    public enum Outcome: Sendable {
        /// This run holds the Lease until it releases it (or loses a renewal race).
        case acquired(LeaseHandle)
        /// Someone else held it for the whole wait.
        case heldBy(holder: String, until: Date?)
    }

    /// The client.
    public let client: KubeClient
    /// The Lease's namespace.
    public let namespace: String
    /// The Lease's name.
    public let name: String
    /// This run's identity (e.g. `hostname-pid-random`), written as `holderIdentity`.
    public let identity: String
    /// `leaseDurationSeconds`.
    public let duration: Duration
    /// How often the holder renews (a third of the duration by default).
    public let renewInterval: Duration
    /// How often a waiting run looks again.
    public let pollInterval: Duration
    /// The logger.
    public let logger: Logger

    /// Creates a lock.
    public init(
        client: KubeClient, namespace: String, name: String, identity: String, duration: Duration = .seconds(15),
        renewInterval: Duration? = nil, pollInterval: Duration = .milliseconds(500),
        logger: Logger = Logger(label: "gitcanary.lease")
    ) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.duration = max(duration, .seconds(1))
        self.renewInterval = renewInterval ?? self.duration / 3
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Takes the Lease, waiting up to `wait` (real time) while another live holder has it.
    /// - Throws: ``KubeAPIError`` when the Lease cannot be read or written for another reason than a lost race.
    public func acquire(waitingUpTo wait: Duration) async throws(KubeAPIError) -> Outcome {
        let deadline = ContinuousClock.now.advanced(by: wait)
        let seconds = Int(duration.components.seconds)
        var waited = false
        while true {
            let current: LeaseRecord?
            do {
                current = LeaseRecord(lease: try await client.get(BuiltinResources.leases, namespace: namespace, name: name))
            } catch where error.isNotFound {
                current = nil
            }
            let now = serverNow()
            if let current, current.isHeld(byOtherThan: identity, at: now) {
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero {
                    return .heldBy(holder: current.holder, until: current.expiry)
                }
                let untilExpiry = Duration.milliseconds(Int64(((current.expiry ?? now).timeIntervalSince(now) * 1000).rounded(.up)) + 20)
                logger.debug("lease held; waiting", metadata: ["lease": "\(namespace)/\(name)", "holder": "\(current.holder)"])
                try? await Task.sleep(for: min(pollInterval, untilExpiry, remaining))  // cancellation ends the wait early
                waited = true
                continue
            }
            let transitions = (current?.transitions ?? 0) + ((current?.holder ?? "") == identity ? 0 : 1)
            var record = LeaseRecord(
                holder: identity, durationSeconds: seconds, acquireTime: now, renewTime: now,
                transitions: current == nil ? 0 : transitions, resourceVersion: current?.resourceVersion ?? "")
            do {
                let written: JSONValue
                if current == nil {
                    written = try await client.create(BuiltinResources.leases, namespace: namespace, object: record.object(name: name, namespace: namespace))
                } else {
                    written = try await client.update(
                        BuiltinResources.leases, namespace: namespace, name: name, object: record.object(name: name, namespace: namespace))
                }
                record.resourceVersion = LeaseRecord(lease: written).resourceVersion
                logger.debug("lease acquired", metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
                return .acquired(LeaseHandle(lock: self, record: record, waited: waited))
            } catch where error.isConflict || error.isAlreadyExists {
                logger.debug("lost a lease race; looking again", metadata: ["lease": "\(namespace)/\(name)"])
                if ContinuousClock.now >= deadline, let winner = try? await client.get(BuiltinResources.leases, namespace: namespace, name: name) {
                    // Past the bound and still racing: report whoever won (a failed read simply retries the loop).
                    let record = LeaseRecord(lease: winner)
                    if !record.holder.isEmpty && record.holder != identity {
                        return .heldBy(holder: record.holder, until: record.expiry)
                    }
                }
                continue
            } catch where error.isNotFound && current == nil {
                throw KubeAPIError(
                    code: .configuration, request: error.request, server: error.server, identity: error.identity,
                    detail: "the Lease \(namespace)/\(name) cannot be created: namespace \(namespace) does not exist. Create it "
                        + "(kubectl create namespace \(namespace)) or choose the inventory namespace of an existing one.")
            }
        }
    }

    /// The server's time now (its `Date` header plus real elapsed time), or this machine's before any response.
    func serverNow() -> Date { client.serverClock.now() ?? Date() }
}
