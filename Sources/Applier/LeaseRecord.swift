import Foundation
import KubeAPI
import Resources

/// The parts of a `coordination.k8s.io/v1` Lease the lock reads and writes.
struct LeaseRecord: Sendable, Hashable {
    var holder: String
    var durationSeconds: Int
    var acquireTime: Date?
    var renewTime: Date?
    var transitions: Int
    var resourceVersion: String

    init(holder: String, durationSeconds: Int, acquireTime: Date?, renewTime: Date?, transitions: Int, resourceVersion: String = "") {
        self.holder = holder
        self.durationSeconds = durationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.transitions = transitions
        self.resourceVersion = resourceVersion
    }

    /// Reads a Lease object.
    init(lease: JSONValue) {
        let spec = lease["spec"] ?? [:]
        holder = spec["holderIdentity"]?.stringValue ?? ""
        durationSeconds = Int(spec["leaseDurationSeconds"]?.intValue ?? 0)
        acquireTime = spec["acquireTime"]?.stringValue.flatMap(RFC3339.parse)
        renewTime = spec["renewTime"]?.stringValue.flatMap(RFC3339.parse)
        transitions = Int(spec["leaseTransitions"]?.intValue ?? 0)
        resourceVersion = lease["metadata", "resourceVersion"]?.stringValue ?? ""
    }

    /// When the holder's claim ends: renewTime + leaseDurationSeconds (`nil` when never renewed).
    var expiry: Date? { renewTime.map { $0.addingTimeInterval(TimeInterval(durationSeconds)) } }

    /// Whether someone other than `identity` holds it at `now`.
    func isHeld(byOtherThan identity: String, at now: Date) -> Bool {
        guard !holder.isEmpty, holder != identity, let expiry else { return false }
        return expiry > now
    }

    /// The Lease object for a write (conditional on ``resourceVersion`` when set).
    func object(name: String, namespace: String) -> JSONValue {
        var spec: JSONValue = ["leaseDurationSeconds": .int(Int64(durationSeconds)), "leaseTransitions": .int(Int64(transitions))]
        if !holder.isEmpty { spec["holderIdentity"] = .string(holder) }
        if let acquireTime { spec["acquireTime"] = .string(RFC3339.formatMicro(acquireTime)) }
        if let renewTime { spec["renewTime"] = .string(RFC3339.formatMicro(renewTime)) }
        var metadata: JSONValue = [
            "name": .string(name), "namespace": .string(namespace),
            "labels": ["app.kubernetes.io/managed-by": "gitcanary"],
        ]
        if !resourceVersion.isEmpty { metadata["resourceVersion"] = .string(resourceVersion) }
        return ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata, "spec": spec]
    }
}
