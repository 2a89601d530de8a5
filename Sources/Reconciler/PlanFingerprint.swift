import Foundation
import Planner
import Resources

/// Fingerprints of everything an idle canary's plan depends on, for ``PlanMemo``: the run's constants (memo salt, API
/// server, planner settings), the observed objects of the canary's namespace, the Canary itself and the replicas Git
/// declares for its target. Not the Git revision or the clock: an idle plan does not depend on them
/// (Tests/PlannerTests/IdlePlanTests.swift), so a commit that changes nothing a canary reads does not plan it again.
struct PlanFingerprint: Sendable {
    /// The run's constants, hashed once.
    private let base: SHA256

    init(salt: String, server: String, settings: PlannerSettings) {
        var h = SHA256()
        // `String(reflecting:)` spells every stored property, so a setting added later is covered without a change here.
        for part in [PlanMemo.format, salt, server, String(reflecting: settings)] {
            h.update(Array(part.utf8))
            h.update([0])
        }
        base = h
    }

    /// Kinds whose status no plan reads (the Planner reads their spec and metadata only) and whose controllers rewrite
    /// it every few seconds: an HPA's current metrics, a KEDA ScaledObject's conditions. They are identified by their
    /// content without `status` rather than by resourceVersion, or every status update would plan their namespace's
    /// canaries again.
    static let statusBlindKinds: Set<String> = ["HorizontalPodAutoscaler", "ScaledObject"]

    /// The digest of a namespace's observed objects: apiVersion, kind, name, uid and resourceVersion of each (for
    /// ``statusBlindKinds``, a digest of the object without status instead), in a fixed order. `nil` when an object
    /// has no resourceVersion (its changes could not be seen).
    static func namespace(_ objects: [(ClusterSnapshot.ObjectKey, JSONValue)]) -> [UInt8]? {
        var lines: [String] = []
        lines.reserveCapacity(objects.count)
        for (key, object) in objects {
            let metadata = object["metadata"]
            guard let rv = metadata?["resourceVersion"]?.stringValue, !rv.isEmpty else { return nil }
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            let uid = metadata?["uid"]?.stringValue ?? ""
            let version = statusBlindKinds.contains(key.kind) ? withoutStatus(object) : rv
            lines.append("\(key.kind)\u{0}\(key.name)\u{0}\(apiVersion)\u{0}\(uid)\u{0}\(version)\n")
        }
        lines.sort()
        var h = SHA256()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count })
        for line in lines { bytes += line.utf8 }
        h.update(bytes)
        return h.finalize()
    }

    /// `content:` and a digest of the object without `status`, `metadata.resourceVersion` and `managedFields`.
    static func withoutStatus(_ object: JSONValue) -> String {
        var o = object
        o["status"] = nil
        o["metadata"]?["resourceVersion"] = nil
        o["metadata"]?["managedFields"] = nil
        return "content:" + SHA256.hex(JSONWriter.bytes(o, options: .canonical))
    }

    /// The fingerprint of one canary, or `nil` when the Canary has no resourceVersion.
    func canary(_ json: JSONValue, namespace: [UInt8], gitReplicas: Int?) -> String? {
        let metadata = json["metadata"]
        guard let rv = metadata?["resourceVersion"]?.stringValue, !rv.isEmpty else { return nil }
        var h = base
        h.update(namespace)
        let uid = metadata?["uid"]?.stringValue ?? ""
        let ns = metadata?["namespace"]?.stringValue ?? ""
        let name = metadata?["name"]?.stringValue ?? ""
        h.update(Array("\(ns)\u{0}\(name)\u{0}\(uid)\u{0}\(rv)\u{0}\(gitReplicas.map(String.init) ?? "-")".utf8))
        return Hex.encode(h.finalize())
    }
}
