import Foundation
import KubeAPI
import Logging
import Planner
import Resources

/// What executing one ``CanaryPlan`` did.
public struct CanaryExecution: Sendable {
    /// Objects written (server-side applied, patched or deleted), as `Kind/ns/name`.
    public var written: [String] = []
    /// `assert` writes skipped because the live object already matched.
    public var assertsSkipped = 0
    /// Whether the status was written.
    public var statusWritten = false
    /// The Canary as the server returned it after the status write.
    public var canaryAfter: JSONValue?
    /// Set when the status write met a Conflict: another writer moved the Canary since it was read.
    public var conflict: String?
    /// The first failed write (the status is then not written, so the next run redoes the step).
    public var error: String?
    /// Creates an empty execution.
    public init() {}
}

/// Executes the writes of a ``CanaryPlan`` in the order of architecture rule 3: generated objects and routes first
/// (server-side apply with the rollout's field manager `gitcanary-rollout`; `assert` writes whose live object
/// already holds the desired fields are skipped), then the status LAST on the `status` subresource, conditional on
/// the `resourceVersion` the plan was made from. A Conflict there means another writer moved the Canary: the step is
/// skipped and reported, never retried blindly.
///
/// Events, alerts and event webhooks are the caller's (they need `Analysis`).
public struct CanaryPlanExecutor: Sendable {
    /// The client.
    public let client: KubeClient
    /// The field manager of rollout-owned writes.
    public let fieldManager: String
    /// The logger.
    public let logger: Logger

    /// Creates an executor.
    public init(client: KubeClient, fieldManager: String = SyncFieldManagers.rollout, logger: Logger = Logger(label: "gitcanary.applier")) {
        self.client = client
        self.fieldManager = fieldManager
        self.logger = logger
    }

    /// Whether an `assert` write is needed: the live object is missing or does not hold the desired fields.
    public static func assertNeeded(_ write: PlannedWrite, live: JSONValue?) -> Bool {
        guard write.intent == .assert else { return true }
        switch write.action {
        case .apply(let object):
            guard let live else { return true }
            var desired = object
            desired["apiVersion"] = nil
            desired["kind"] = nil
            return !SyncCompare.holds(desired, in: live)
        case .patch(_, let patch):
            guard let live else { return false }
            return !SyncCompare.holds(patch, in: live)
        case .delete:
            return live != nil
        }
    }

    /// Executes the plan. `canary` is the Canary as observed (its status is replaced); `live` looks up the observed
    /// object of a reference (kind, namespace and name).
    public func execute(_ plan: CanaryPlan, canary: JSONValue, live: @Sendable (ObjectRef) -> JSONValue?) async -> CanaryExecution {
        var out = CanaryExecution()
        for write in plan.writes {
            let ref = write.ref
            if write.intent == .assert && !Self.assertNeeded(write, live: live(ref)) {
                out.assertsSkipped += 1
                continue
            }
            do {
                try await perform(write)
                out.written.append(ref.description)
                logger.info("\(ref) written: \(write.reason)", metadata: ["canary": "\(plan.canary.namespace)/\(plan.canary.name)"])
            } catch {
                out.error = "\(ref): \(error.description)"
                logger.error("\(ref) could not be written: \(error.description)")
                return out
            }
        }
        guard let status = plan.statusUpdate else { return out }
        do {
            var object = canary
            object["status"] = try JSONCoding.encode(status)
            if let rv = plan.statusPrecondition { object.set(.string(rv), at: ["metadata", "resourceVersion"]) }
            object["metadata"]?["managedFields"] = nil
            let mapping = try await client.mapping(apiVersion: canary["apiVersion"]?.stringValue ?? Canary.apiVersion, kind: Canary.kind)
            out.canaryAfter = try await client.update(
                mapping, namespace: plan.canary.namespace, name: plan.canary.name, object: object, subresource: "status",
                options: WriteOptions(fieldManager: fieldManager))
            out.statusWritten = true
        } catch let error as KubeAPIError where error.isConflict {
            out.conflict = "the Canary changed since it was read (another writer moved it); step skipped, the next run plans again"
        } catch let error as KubeAPIError {
            out.error = "status of \(plan.canary): \(error.description)"
        } catch {
            out.error = "status of \(plan.canary) could not be encoded: \(error)"
        }
        return out
    }

    private func perform(_ write: PlannedWrite) async throws(KubeAPIError) {
        let ref = write.ref
        let mapping = try await client.mapping(apiVersion: ref.apiVersion, kind: ref.kind)
        let ns: String? = mapping.namespaced ? ref.namespace : nil
        switch write.action {
        case .apply(let object):
            _ = try await client.patch(
                mapping, namespace: ns, name: ref.name, patch: .apply(object, fieldManager: fieldManager, force: true),
                options: WriteOptions(fieldManager: fieldManager))
        case .patch(_, let patch):
            _ = try await client.patch(
                mapping, namespace: ns, name: ref.name, patch: .merge(patch), options: WriteOptions(fieldManager: fieldManager))
        case .delete:
            do {
                try await client.delete(mapping, namespace: ns, name: ref.name, options: DeleteOptions(propagationPolicy: .background))
            } catch where error.isNotFound {
                return
            }
        }
    }
}
