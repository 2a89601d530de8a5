import Foundation
import Resources
import Sandbox
import Testing
import TestSupport

/// When time-dependent status is brought up to the clock, and what the incremental garbage collector reaches:
/// only what a change concerns is looked at, with the same results as a pass over the whole cluster.
@Suite("Sandbox settle and garbage collection")
struct SandboxSettleTests {
    static let deployPath = "/apis/apps/v1/namespaces/default/deployments"
    static let cmPath = "/api/v1/namespaces/default/configmaps"

    static func deployment(_ name: String, ready: Bool, deadline: Int = 60) -> String {
        let annotations = ready ? "{}" : #"{"sandbox.gitcanary.dev/ready":"false"}"#
        return #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)"},"spec":{"replicas":1,"progressDeadlineSeconds":\#(deadline),"selector":{"matchLabels":{"app":"\#(name)"}},"template":{"metadata":{"labels":{"app":"\#(name)"},"annotations":\#(annotations)},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}"#
    }

    static func progressing(_ h: SandboxHarness, _ name: String) throws -> (reason: String?, rv: String?) {
        let d = try h.request("GET", deployPath + "/" + name).json
        let c = d["status", "conditions"]?.arrayValue?.first { $0["type"] == "Progressing" }
        return (c?["reason"]?.stringValue, d["metadata", "resourceVersion"]?.stringValue)
    }

    @Test("progress deadlines pass exactly when the clock crosses them, forwards and backwards; ready Deployments never change")
    func deadlinesFollowTheClock() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let start = Date(timeIntervalSince1970: 1_893_456_000)
        h.sandbox.setClock(start, freeze: true)
        #expect(try h.request("POST", Self.deployPath, body: Self.deployment("slow", ready: false, deadline: 60)).status == 201)
        #expect(try h.request("POST", Self.deployPath, body: Self.deployment("later", ready: false, deadline: 120)).status == 201)
        #expect(try h.request("POST", Self.deployPath, body: Self.deployment("fine", ready: true)).status == 201)
        let fineRV = try Self.progressing(h, "fine").rv
        h.sandbox.setClock(start.addingTimeInterval(59), freeze: true)
        #expect(try Self.progressing(h, "slow").reason == "ReplicaSetUpdated")
        h.sandbox.setClock(start.addingTimeInterval(61), freeze: true)
        #expect(try Self.progressing(h, "slow").reason == "ProgressDeadlineExceeded")
        #expect(try Self.progressing(h, "later").reason == "ReplicaSetUpdated")
        let exceededRV = try Self.progressing(h, "slow").rv
        h.sandbox.setClock(start.addingTimeInterval(90), freeze: true)
        #expect(try Self.progressing(h, "slow").rv == exceededRV)
        h.sandbox.setClock(start.addingTimeInterval(121), freeze: true)
        #expect(try Self.progressing(h, "later").reason == "ProgressDeadlineExceeded")
        // Back before the deadlines: progressing again, as the status is a function of the clock.
        h.sandbox.setClock(start.addingTimeInterval(30), freeze: true)
        #expect(try Self.progressing(h, "slow").reason == "ReplicaSetUpdated")
        #expect(try Self.progressing(h, "later").reason == "ReplicaSetUpdated")
        #expect(try Self.progressing(h, "fine").reason == "NewReplicaSetAvailable")
        #expect(try Self.progressing(h, "fine").rv == fineRV)
        // A Deployment made ready leaves the schedule; a new template restarts the deadline.
        var slow = try h.request("GET", Self.deployPath + "/slow").json
        slow.set(["sandbox.gitcanary.dev/ready": "true"], at: ["spec", "template", "metadata", "annotations"])
        #expect(try h.request("PUT", Self.deployPath + "/slow", body: JSONWriter.string(slow)).status == 200)
        h.sandbox.setClock(start.addingTimeInterval(400), freeze: true)
        #expect(try Self.progressing(h, "slow").reason == "NewReplicaSetAvailable")
        #expect(try Self.progressing(h, "later").reason == "ProgressDeadlineExceeded")
    }

    @Test("a DaemonSet's scheduled counts follow Nodes as they come and go, without a write to the DaemonSet")
    func daemonSetsFollowNodes() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let dsPath = "/apis/apps/v1/namespaces/default/daemonsets"
        let ds = #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"nodeSelector":{"disk":"ssd"},"containers":[{"name":"c","image":"agent:1"}]}}}}"#
        #expect(try h.request("POST", dsPath, body: ds).status == 201)
        func scheduled() throws -> (Int64?, String?) {
            let d = try h.request("GET", dsPath + "/agent").json
            return (d["status", "desiredNumberScheduled"]?.intValue, d["metadata", "resourceVersion"]?.stringValue)
        }
        for (name, disk) in [("node-a", "ssd"), ("node-b", "hdd"), ("node-c", "ssd")] {
            let node = #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)","labels":{"disk":"\#(disk)"}}}"#
            #expect(try h.request("POST", "/api/v1/nodes", body: node).status == 201)
        }
        let (two, rv) = try scheduled()
        #expect(two == 2)
        #expect(try h.request("DELETE", "/api/v1/nodes/node-a").status == 200)
        let (one, rvAfter) = try scheduled()
        #expect(one == 1)
        #expect(rvAfter != rv, "a status change is a new resourceVersion")
        // A node that no DaemonSet selects changes nothing.
        #expect(try h.request("DELETE", "/api/v1/nodes/node-b").status == 200)
        #expect(try scheduled() == (1, rvAfter))
    }

    @Test("a /status write to a not-ready Deployment is overwritten by the next request, as the controller owns it")
    func statusWriteIsReconciled() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        h.sandbox.setClock(Date(timeIntervalSince1970: 1_893_456_000), freeze: true)
        #expect(try h.request("POST", Self.deployPath, body: Self.deployment("web", ready: false)).status == 201)
        var d = try h.request("GET", Self.deployPath + "/web").json
        d.set(["replicas": 7, "conditions": [["type": "Progressing", "status": "True", "reason": "Forged"]]], at: ["status"])
        let put = try h.request("PUT", Self.deployPath + "/web/status", body: JSONWriter.string(d))
        #expect(put.status == 200)
        #expect(put.json["status", "replicas"] == 7)
        let read = try h.request("GET", Self.deployPath + "/web").json
        #expect(read["status", "replicas"] == 1)
        #expect(try Self.progressing(h, "web").reason == "ReplicaSetUpdated")
    }

    @Test("the collector follows ownership across kinds and among many unrelated objects; dangling and partly dead references")
    func garbageCollectionReachesWhatChanged() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        func make(_ name: String, owners: [JSONValue] = []) throws -> JSONValue {
            var o: JSONValue = ["metadata": ["name": .string(name)], "data": ["k": "v"]]
            if !owners.isEmpty {
                o.set(.array(owners.map { ["apiVersion": "v1", "kind": "ConfigMap", "name": $0["metadata", "name"] ?? "",
                                           "uid": $0["metadata", "uid"] ?? ""] }), at: ["metadata", "ownerReferences"])
            }
            let r = try h.request("POST", Self.cmPath, body: JSONWriter.string(o))
            #expect(r.status == 201)
            return r.json
        }
        for i in 0..<50 { _ = try make("bystander-\(i)") }
        let root = try make("root")
        let other = try make("other")
        var dep = try JSONParser.parse(Self.deployment("owned", ready: true))
        dep.set([["apiVersion": "v1", "kind": "ConfigMap", "name": "root", "uid": root["metadata", "uid"] ?? ""]],
                at: ["metadata", "ownerReferences"])
        let owned = try h.request("POST", Self.deployPath, body: JSONWriter.string(dep)).json
        let leaf = try make("leaf", owners: [["metadata": owned["metadata"] ?? .null]])
        let shared = try make("shared", owners: [root, other])
        #expect(leaf["metadata", "uid"] != nil)
        // A dangling owner is collected at once.
        let ghost: JSONValue = ["metadata": ["name": "ghost", "uid": "00000000-0000-0000-0000-000000000000"]]
        _ = try h.request("POST", Self.cmPath, body: JSONWriter.string(
            ["metadata": ["name": "orphaned", "ownerReferences": [["apiVersion": "v1", "kind": "ConfigMap", "name": "ghost",
                                                                  "uid": ghost["metadata", "uid"] ?? ""]]]]))
        #expect(try h.request("GET", Self.cmPath + "/orphaned").status == 404)

        #expect(try h.request("DELETE", Self.cmPath + "/root").status == 200)
        #expect(try h.request("GET", Self.deployPath + "/owned").status == 404)
        #expect(try h.request("GET", Self.cmPath + "/leaf").status == 404)
        // Still owned by a live object: only the dead reference is dropped.
        let kept = try h.request("GET", Self.cmPath + "/shared").json
        #expect(kept["metadata", "ownerReferences"]?.arrayValue?.map { $0["name"] } == ["other"])
        #expect(kept["metadata", "uid"] == shared["metadata", "uid"])
        let list = try h.request("GET", Self.cmPath).json["items"]?.arrayValue ?? []
        #expect(list.count == 52)   // 50 bystanders, other, shared
    }

    @Test("a LIST serves every object as it is now: written, changed by the clock, collected, in the version asked")
    func listReflectsEveryChange() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let start = Date(timeIntervalSince1970: 1_893_456_000)
        h.sandbox.setClock(start, freeze: true)
        func items(_ path: String) throws -> [String: JSONValue] {
            let list = try h.request("GET", path).json
            #expect(list["metadata", "resourceVersion"] != nil)
            var out: [String: JSONValue] = [:]
            for item in list["items"]?.arrayValue ?? [] { out[item["metadata", "name"]?.stringValue ?? ""] = item }
            return out
        }
        let a = try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"a"},"data":{"v":"1"}}"#).json
        _ = try h.request("POST", Self.cmPath, body: JSONWriter.string(
            ["metadata": ["name": "b", "ownerReferences": [["apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": a["metadata", "uid"] ?? ""]]]]))
        #expect(try items(Self.cmPath)["a"]?["data", "v"] == "1")
        #expect(try items(Self.cmPath)["a"] == (try h.request("GET", Self.cmPath + "/a").json))
        _ = try h.request("PATCH", Self.cmPath + "/a", body: #"{"data":{"v":"2"}}"#, contentType: "application/merge-patch+json")
        #expect(try items(Self.cmPath)["a"]?["data", "v"] == "2")
        #expect(try items(Self.cmPath)["a"] == (try h.request("GET", Self.cmPath + "/a").json))
        #expect(try h.request("DELETE", Self.cmPath + "/a").status == 200)
        #expect(try items(Self.cmPath).keys.sorted() == [])   // b went with its owner

        #expect(try h.request("POST", Self.deployPath, body: Self.deployment("slow", ready: false, deadline: 60)).status == 201)
        func reason(_ d: JSONValue?) -> String? {
            d?["status", "conditions"]?.arrayValue?.first { $0["type"] == "Progressing" }?["reason"]?.stringValue
        }
        #expect(reason(try items(Self.deployPath)["slow"]) == "ReplicaSetUpdated")
        h.sandbox.setClock(start.addingTimeInterval(61), freeze: true)
        #expect(reason(try items(Self.deployPath)["slow"]) == "ProgressDeadlineExceeded")
        let paged = try h.request("GET", Self.deployPath + "?limit=1").json
        #expect(paged["items"]?.arrayValue?.count == 1)
        #expect(paged["kind"] == "DeploymentList")
        #expect(paged["apiVersion"] == "apps/v1")
        #expect(try h.request("GET", "/apis/apps/v1/namespaces/default/nothings").status == 404)
    }
}
