import Resources
import Testing

@testable import Reconciler

/// The digest that identifies autoscalers in a plan's fingerprint (``PlanFingerprint/statusBlindKinds``): the same
/// content hashes the same whatever its key order and its status; any change of content changes it.
@Suite("Content hash")
struct ContentHashTests {
    static let hpa: JSONValue = [
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": ["name": "a", "namespace": "mp", "uid": "u1", "resourceVersion": "7", "labels": ["app": "a"]],
        "spec": ["minReplicas": 1, "maxReplicas": 3, "scaleTargetRef": ["kind": "Deployment", "name": "a"],
                 "metrics": [["type": "Resource", "resource": ["name": "cpu", "target": ["averageUtilization": 80]]]]],
        "status": ["currentReplicas": 1, "desiredReplicas": 1],
    ]

    @Test("key order, status and resourceVersion do not count")
    func sameContent() throws {
        var reordered = JSONObject()
        for (k, v) in try #require(Self.hpa.objectValue).reversed() { reordered[k] = v }
        var churned = JSONValue.object(reordered)
        churned.set(["currentReplicas": 2, "desiredReplicas": 3, "currentMetrics": []], at: ["status"])
        churned.set("8", at: ["metadata", "resourceVersion"])
        #expect(PlanFingerprint.withoutStatus(churned) == PlanFingerprint.withoutStatus(Self.hpa))
        #expect(ContentHash.of(.object(reordered)) == ContentHash.of(Self.hpa))
        // Leaving fields out while hashing is hashing the object without them.
        var stripped = Self.hpa
        stripped["status"] = nil
        stripped["metadata"]?["resourceVersion"] = nil
        #expect(ContentHash.of(Self.hpa, skipping: ["status"], inMetadata: ["resourceVersion", "managedFields"])
            == ContentHash.of(stripped))
        #expect(ContentHash.of(stripped) != ContentHash.of(Self.hpa))
    }

    @Test("any change of content changes it", arguments: [
        (["spec", "maxReplicas"], JSONValue.int(4)),
        (["spec", "maxReplicas"], JSONValue.double(3)),
        (["spec", "maxReplicas"], JSONValue.string("3")),
        (["spec", "metrics"], JSONValue.array([])),
        (["spec", "metrics"], JSONValue.object(JSONObject())),
        (["metadata", "labels", "app"], JSONValue.string("b")),
        (["metadata", "labels", "team"], JSONValue.string("")),
        (["metadata", "annotations"], JSONValue.null),
        (["spec", "scaleTargetRef", "name"], JSONValue.string("a ")),
    ])
    func changed(_ path: [String], _ value: JSONValue) {
        var other = Self.hpa
        other.set(value, at: path)
        #expect(PlanFingerprint.withoutStatus(other) != PlanFingerprint.withoutStatus(Self.hpa))
    }

    @Test("values of different shapes differ")
    func shapes() {
        let values: [JSONValue] = [.null, false, true, 0, 1, 1.0, "", "1", [], [.null], [:], ["": .null], ["a": "b"], ["b": "a"],
                                   [["a": 1], ["b": 2]], [["a": 2], ["b": 1]], ["a": 1, "b": 2], ["a": 2, "b": 1]]
        let hashes = values.map { "\(ContentHash.of($0))" }
        #expect(Set(hashes).count == values.count, "\(hashes)")
    }

    @Test("a namespace's digest: the same whatever the objects' order; any identity changed, added or removed changes it")
    func namespaceDigest() throws {
        func object(_ name: String, rv: String, uid: String = "u") -> (ClusterSnapshot.ObjectKey, JSONValue) {
            (ClusterSnapshot.ObjectKey(kind: "Service", namespace: "mp", name: name),
             ["apiVersion": "v1", "metadata": ["name": .string(name), "uid": .string(uid), "resourceVersion": .string(rv)]])
        }
        let objects = (0..<50).map { object("s\($0)", rv: "\($0)") }
        let digest = try #require(PlanFingerprint.namespace(objects))
        #expect(PlanFingerprint.namespace(objects.reversed()) == digest)
        #expect(PlanFingerprint.namespace(objects.shuffled()) == digest)
        var changed = objects
        changed[7] = object("s7", rv: "70")
        #expect(PlanFingerprint.namespace(changed) != digest)
        changed[7] = object("s7", rv: "7", uid: "other")
        #expect(PlanFingerprint.namespace(changed) != digest)
        #expect(PlanFingerprint.namespace(Array(objects.dropLast())) != digest)
        #expect(PlanFingerprint.namespace(objects + [object("s50", rv: "50")]) != digest)
        // Two objects swapping their resourceVersions is a change too.
        var swapped = objects
        swapped[1] = object("s1", rv: "2")
        swapped[2] = object("s2", rv: "1")
        #expect(PlanFingerprint.namespace(swapped) != digest)
        changed[7] = object("s7", rv: "")
        #expect(PlanFingerprint.namespace(changed) == nil)
    }
}
