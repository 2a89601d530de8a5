import Analysis
import Foundation
import Resources
import Testing

@Suite("Kubernetes events")
struct KubernetesEventTests {
    @Test("a core/v1 Event on the Canary: reason Synced, component gitcanary, revision annotation")
    func shape() throws {
        var canary = Fixture.canary()
        canary.metadata.uid = "uid-1"
        var recorder = KubernetesEventRecorder()
        let recorded = recorder.record(
            canary: canary, type: .warning, message: "Halt podinfo.test advancement success rate 95.50% < 99%",
            revision: "0123456789abcdef0123456789abcdef01234567", at: Fixture.now)
        let event = try #require(recorded)
        #expect(event["apiVersion"] == "v1")
        #expect(event["kind"] == "Event")
        #expect(event["reason"] == "Synced")
        #expect(event["type"] == "Warning")
        #expect(event["reportingComponent"] == "gitcanary")
        #expect(event["source"] == ["component": "gitcanary"])
        #expect(event["involvedObject"] == [
            "apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "podinfo", "namespace": "test", "uid": "uid-1",
        ])
        #expect(event["metadata", "namespace"] == "test")
        #expect(event["metadata", "annotations"] == ["gitcanary.dev/revision": "0123456789abcdef0123456789abcdef01234567"])
        #expect(event["metadata", "name"]?.stringValue?.hasPrefix("podinfo.") == true)
        #expect(event["firstTimestamp"] == .string(RFC3339.format(Fixture.now)))
        #expect(event["count"] == 1)
    }

    @Test("deduplicated within a run; distinct events get distinct names")
    func dedupe() {
        var recorder = KubernetesEventRecorder()
        let c = Fixture.canary()
        #expect(recorder.record(canary: c, type: .normal, message: "Starting canary analysis for podinfo.test", revision: nil, at: Fixture.now) != nil)
        #expect(recorder.record(canary: c, type: .normal, message: "Starting canary analysis for podinfo.test", revision: nil, at: Fixture.now) == nil)
        #expect(recorder.record(canary: c, type: .warning, message: "Starting canary analysis for podinfo.test", revision: nil, at: Fixture.now) != nil)
        #expect(recorder.record(canary: c, type: .normal, message: "Advance podinfo.test canary weight 10", revision: nil, at: Fixture.now) != nil)
        #expect(recorder.events.count == 3)
        let names = Set(recorder.events.compactMap { $0["metadata", "name"]?.stringValue })
        #expect(names.count == 3)
    }
}
