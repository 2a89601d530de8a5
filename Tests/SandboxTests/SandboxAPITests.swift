import Foundation
import Resources
import Sandbox
import Testing
import TestSupport

/// Kubernetes API semantics over HTTP (the `curl` CLI): metadata, concurrency, status, errors, selectors, paging.
@Suite("Sandbox API semantics")
struct SandboxAPITests {
    static let configMap = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web"}},"data":{"a":"1"}}"#
    static let cmPath = "/api/v1/namespaces/default/configmaps"

    @Test("create sets uid, creationTimestamp and resourceVersion; duplicates are AlreadyExists; stale updates are 409")
    func createAndConflict() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let created = try h.request("POST", Self.cmPath, body: Self.configMap)
        #expect(created.status == 201)
        let rv1 = created.json["metadata", "resourceVersion"]?.stringValue ?? ""
        #expect(created.json["metadata", "uid"]?.stringValue?.count == 36)
        #expect(created.json["metadata", "creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
        let dup = try h.request("POST", Self.cmPath, body: Self.configMap)
        #expect(dup.status == 409)
        #expect(dup.json["kind"] == "Status")
        #expect(dup.json["reason"] == "AlreadyExists")
        #expect(dup.json["message"] == #"configmaps "cfg" already exists"#)

        var updated = created.json
        updated.set("2", at: ["data", "a"])
        let ok = try h.request("PUT", Self.cmPath + "/cfg", body: JSONWriter.string(updated))
        #expect(ok.status == 200)
        let rv2 = ok.json["metadata", "resourceVersion"]?.stringValue ?? ""
        #expect((Int(rv2) ?? 0) > (Int(rv1) ?? 0))
        // The same body again still carries rv1: stale.
        let stale = try h.request("PUT", Self.cmPath + "/cfg", body: JSONWriter.string(updated))
        #expect(stale.status == 409)
        #expect(stale.json["reason"] == "Conflict")
        #expect(stale.json["message"]?.stringValue?.contains("the object has been modified") == true)
        let missing = try h.request("GET", Self.cmPath + "/nope")
        #expect(missing.status == 404)
        #expect(missing.json["reason"] == "NotFound")
        #expect(missing.json["details", "kind"] == "configmaps")
        let noNamespace = try h.request("POST", "/api/v1/namespaces/ghost/configmaps", body: Self.configMap)
        #expect(noNamespace.status == 404)
        #expect(noNamespace.json["message"] == #"namespaces "ghost" not found"#)
        let badName = try h.request("POST", Self.cmPath, body: #"{"metadata":{"name":"Bad_Name"}}"#)
        #expect(badName.status == 422)
        #expect(badName.json["details", "causes", ]?.arrayValue?.first?["field"] == "metadata.name")
        let dry = try h.request("POST", Self.cmPath + "?dryRun=All", body: #"{"metadata":{"name":"dry"}}"#)
        #expect(dry.status == 201)
        #expect(try h.request("GET", Self.cmPath + "/dry").status == 404)
    }

    @Test("label and field selectors, limit and continue")
    func selectorsAndPaging() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        for i in 0..<5 {
            let tier = i % 2 == 0 ? "front" : "back"
            let body = #"{"metadata":{"name":"c\#(i)","labels":{"tier":"\#(tier)"}}}"#
            #expect(try h.request("POST", Self.cmPath, body: body).status == 201)
        }
        func names(_ v: JSONValue) -> [String] { v["items"]?.arrayValue?.compactMap { $0["metadata", "name"]?.stringValue } ?? [] }
        #expect(names(try h.request("GET", Self.cmPath + "?labelSelector=tier%3Dfront").json) == ["c0", "c2", "c4"])
        #expect(names(try h.request("GET", Self.cmPath + "?labelSelector=tier+in+(back)").json) == ["c1", "c3"])
        #expect(names(try h.request("GET", Self.cmPath + "?labelSelector=tier!%3Dfront,tier").json) == ["c1", "c3"])
        #expect(names(try h.request("GET", Self.cmPath + "?fieldSelector=metadata.name%3Dc3").json) == ["c3"])
        let page1 = try h.request("GET", Self.cmPath + "?limit=2").json
        #expect(names(page1) == ["c0", "c1"])
        #expect(page1["metadata", "remainingItemCount"] == 3)
        let token = page1["metadata", "continue"]?.stringValue ?? ""
        let escaped = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let page2 = try h.request("GET", Self.cmPath + "?limit=2&continue=\(escaped)").json
        #expect(names(page2) == ["c2", "c3"])
        #expect(page2["kind"] == "ConfigMapList")
    }

    static let deployment = #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
            {"name":"app","image":"web:1","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]},
            {"name":"sidecar","image":"proxy:1"}]}}}}
        """#
    static let deployPath = "/apis/apps/v1/namespaces/default/deployments"

    @Test("patches: strategic merge by container name and port, JSON merge, JSON patch; generation on spec only")
    func patches() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        #expect(try h.request("POST", Self.deployPath, body: Self.deployment).status == 201)
        let smp = #"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"web:2","env":[{"name":"B","value":"2"}],"ports":[{"containerPort":81}]}]}}}}"#
        let patched = try h.request("PATCH", Self.deployPath + "/web", body: smp, contentType: "application/strategic-merge-patch+json")
        #expect(patched.status == 200)
        let containers = patched.json["spec", "template", "spec", "containers"]?.arrayValue ?? []
        #expect(containers.count == 2)
        #expect(containers.first?["image"] == "web:2")
        #expect(containers.first?["env"]?.arrayValue?.count == 2)
        #expect(containers.first?["ports"]?.arrayValue?.count == 2)
        #expect(containers.last?["name"] == "sidecar")
        #expect(patched.json["metadata", "generation"] == 2)
        #expect(patched.json["status", "observedGeneration"] == 2)

        let delete = #"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}"#
        let deleted = try h.request("PATCH", Self.deployPath + "/web", body: delete, contentType: "application/strategic-merge-patch+json")
        #expect(deleted.json["spec", "template", "spec", "containers"]?.arrayValue?.count == 1)

        let labels = try h.request("PATCH", Self.deployPath + "/web", body: #"{"metadata":{"labels":{"x":"y"}}}"#,
                                   contentType: "application/merge-patch+json")
        #expect(labels.json["metadata", "labels", "x"] == "y")
        #expect(labels.json["metadata", "generation"] == 3)  // unchanged by a metadata-only patch

        let jsonPatch = #"[{"op":"replace","path":"/spec/replicas","value":4},{"op":"test","path":"/metadata/labels/x","value":"y"}]"#
        let jp = try h.request("PATCH", Self.deployPath + "/web", body: jsonPatch, contentType: "application/json-patch+json")
        #expect(jp.json["spec", "replicas"] == 4)
        #expect(jp.json["status", "readyReplicas"] == 4)
        let failedTest = try h.request("PATCH", Self.deployPath + "/web", body: #"[{"op":"test","path":"/spec/replicas","value":9}]"#,
                                       contentType: "application/json-patch+json")
        #expect(failedTest.status == 422)
        let immutable = try h.request("PATCH", Self.deployPath + "/web", body: #"{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}"#,
                                      contentType: "application/merge-patch+json")
        #expect(immutable.status == 422)
        #expect(immutable.json["message"]?.stringValue?.contains("spec.selector: Invalid value") == true)
        #expect(immutable.json["message"]?.stringValue?.contains("field is immutable") == true)
        let invalid = try h.request("PATCH", Self.deployPath + "/web", body: #"{"spec":{"replicas":"many"}}"#,
                                    contentType: "application/merge-patch+json")
        #expect(invalid.status == 422)
        #expect(invalid.json["details", "causes"]?.arrayValue?.first?["field"] == "spec.replicas")
    }

    @Test("server-side apply: two managers keep their fields, conflicts are 409 unless forced, dropped fields go")
    func serverSideApply() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let a = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","labels":{"a":"1"}},"data":{"x":"1","y":"1"}}"#
        let b = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"z":"2"}}"#
        let yaml = "application/apply-patch+yaml"
        let first = try h.request("PATCH", Self.cmPath + "/ssa?fieldManager=alpha", body: a, contentType: yaml)
        #expect(first.status == 201)
        let second = try h.request("PATCH", Self.cmPath + "/ssa?fieldManager=beta", body: b, contentType: yaml)
        #expect(second.status == 200)
        #expect(second.json["data"] == ["x": "1", "y": "1", "z": "2"])
        let managers = second.json["metadata", "managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue } ?? []
        #expect(Set(managers) == ["alpha", "beta"])
        let alphaFields = second.json["metadata", "managedFields"]?.arrayValue?.first { $0["manager"] == "alpha" }
        #expect(alphaFields?["operation"] == "Apply")
        #expect(alphaFields?["fieldsV1", "f:data", "f:x"] == [:])

        let steal = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"x":"9"}}"#
        let conflict = try h.request("PATCH", Self.cmPath + "/ssa?fieldManager=beta", body: steal, contentType: yaml)
        #expect(conflict.status == 409)
        #expect(conflict.json["message"]?.stringValue?.contains(#"conflict with "alpha""#) == true)
        #expect(conflict.json["details", "causes"]?.arrayValue?.first?["field"] == ".data.x")
        let forced = try h.request("PATCH", Self.cmPath + "/ssa?fieldManager=beta&force=true", body: steal, contentType: yaml)
        #expect(forced.status == 200)
        // beta's new configuration no longer names z, which only beta owned: z goes.
        #expect(forced.json["data"] == ["x": "9", "y": "1"])
        // alpha re-applies without y: y goes, x (now beta's) stays.
        let alphaAgain = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","labels":{"a":"1"}},"data":{}}"#
        let dropped = try h.request("PATCH", Self.cmPath + "/ssa?fieldManager=alpha", body: alphaAgain, contentType: yaml)
        #expect(dropped.json["data"] == ["x": "9"])
        // An Update by another manager takes the field over from the applier.
        let merge = try h.request("PATCH", Self.cmPath + "/ssa?fieldManager=editor", body: #"{"data":{"x":"3"}}"#,
                                  contentType: "application/merge-patch+json")
        let entries = merge.json["metadata", "managedFields"]?.arrayValue ?? []
        #expect(!entries.contains { $0["manager"] == "beta" })  // beta owned only x, now the editor's
        let editor = entries.first { $0["manager"] == "editor" }
        #expect(editor?["operation"] == "Update")
        #expect(editor?["fieldsV1", "f:data", "f:x"] == [:])
    }

    @Test("server-side apply merges containers by name across managers and removes a manager's dropped container")
    func serverSideApplyKeyedLists() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let yaml = "application/apply-patch+yaml"
        let a = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"web:1"}]}}}}"#
        let b = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"proxy:1"}]}}}}"#
        func names(_ v: JSONValue) -> [String] {
            v["spec", "template", "spec", "containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        }
        #expect(try h.request("PATCH", Self.deployPath + "/web?fieldManager=a", body: a, contentType: yaml).status == 201)
        let both = try h.request("PATCH", Self.deployPath + "/web?fieldManager=b", body: b, contentType: yaml)
        #expect(names(both.json) == ["app", "sidecar"])
        let sidecar = both.json["metadata", "managedFields"]?.arrayValue?.first { $0["manager"] == "b" }?[
            "fieldsV1", "f:spec", "f:template", "f:spec", "f:containers", #"k:{"name":"sidecar"}"#]
        #expect(sidecar?["."] == [:])
        // b now applies only replicas, with a's value: shared, no conflict; its sidecar goes.
        let shared = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}"#
        let after = try h.request("PATCH", Self.deployPath + "/web?fieldManager=b", body: shared, contentType: yaml)
        #expect(after.status == 200, "\(after.text)")
        #expect(names(after.json) == ["app"])
        let conflict = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"#
        let refused = try h.request("PATCH", Self.deployPath + "/web?fieldManager=b", body: conflict, contentType: yaml)
        #expect(refused.status == 409)
        #expect(refused.json["message"] == #"Apply failed with 1 conflict: conflict with "a" using apps/v1: .spec.replicas"#)
    }

    @Test("server-side apply on custom resources: list-type map lists merge by key, other lists are atomic")
    func serverSideApplyCustomLists() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        let crd = #"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"routes.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"routes","kind":"Route"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
                "spec":{"type":"object","properties":{
                  "backends":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                    "items":{"type":"object","properties":{"name":{"type":"string"},"weight":{"type":"integer"}}}},
                  "hosts":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}}}}}}}}]}}
            """#
        #expect(try h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd).status == 201)
        let path = "/apis/example.com/v1/namespaces/default/routes/r"
        let yaml = "application/apply-patch+yaml"
        let a = #"{"apiVersion":"example.com/v1","kind":"Route","metadata":{"name":"r"},"spec":{"backends":[{"name":"primary","weight":100}],"hosts":[{"name":"a"}]}}"#
        let b = #"{"apiVersion":"example.com/v1","kind":"Route","metadata":{"name":"r"},"spec":{"backends":[{"name":"canary","weight":0}]}}"#
        #expect(try h.request("PATCH", path + "?fieldManager=a", body: a, contentType: yaml).status == 201)
        let merged = try h.request("PATCH", path + "?fieldManager=b", body: b, contentType: yaml)
        #expect(merged.json["spec", "backends"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["primary", "canary"])
        let hosts = #"{"apiVersion":"example.com/v1","kind":"Route","metadata":{"name":"r"},"spec":{"hosts":[{"name":"b"}]}}"#
        let atomic = try h.request("PATCH", path + "?fieldManager=b", body: hosts, contentType: yaml)
        #expect(atomic.status == 409)
        #expect(atomic.json["details", "causes"]?.arrayValue?.first?["field"] == ".spec.hosts")
    }

    @Test("status subresource: /status changes only status; the main endpoint ignores status")
    func statusSubresource() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        // Flagger's CRD is applied through kubectl in the kubectl suite; a small CRD keeps this test fast.
        let small = #"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},
              "versions":[
               {"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                "schema":{"openAPIV3Schema":{"type":"object","properties":{
                  "spec":{"type":"object","required":["size"],"properties":{"size":{"type":"integer"},"port":{"x-kubernetes-int-or-string":true},"free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
                  "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}}},
               {"name":"v1beta1","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """#
        #expect(try h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: small).status == 201)
        let path = "/apis/example.com/v1/namespaces/default/widgets"
        let w = #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1,"port":"http","junk":1,"free":{"any":{"thing":1}}},"status":{"phase":"Ignored"}}"#
        let created = try h.request("POST", path, body: w)
        #expect(created.status == 201)
        #expect(created.json["spec", "junk"] == nil)  // pruned
        #expect(created.json["spec", "free", "any", "thing"] == 1)  // preserved
        #expect(created.json["status"] == nil)  // status ignored on create
        let strict = try h.request("POST", path + "?fieldValidation=Strict", body: w.replacingOccurrences(of: #""name":"w""#, with: #""name":"w2""#))
        #expect(strict.status == 400)
        #expect(strict.json["message"]?.stringValue?.contains(#"unknown field "spec.junk""#) == true)
        let bad = try h.request("POST", path, body: #"{"metadata":{"name":"bad"},"spec":{"size":"big","port":true}}"#)
        #expect(bad.status == 422)
        let fields = Set(bad.json["details", "causes"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
        #expect(fields == ["spec.size", "spec.port"])
        let missing = try h.request("POST", path, body: #"{"metadata":{"name":"bad"},"spec":{}}"#)
        #expect(missing.json["details", "causes"]?.arrayValue?.first?["reason"] == "FieldValueRequired")

        var status = created.json
        status.set(["phase": "Ready"], at: ["status"])
        status.set(99, at: ["spec", "size"])
        let updated = try h.request("PUT", path + "/w/status", body: JSONWriter.string(status))
        #expect(updated.status == 200)
        #expect(updated.json["status", "phase"] == "Ready")
        #expect(updated.json["spec", "size"] == 1)
        #expect(updated.json["metadata", "generation"] == 1)
        let main = try h.request("PATCH", path + "/w", body: #"{"spec":{"size":2},"status":{"phase":"Nope"}}"#,
                                 contentType: "application/merge-patch+json")
        #expect(main.json["status", "phase"] == "Ready")
        #expect(main.json["metadata", "generation"] == 2)
        // The other served version sees the same object.
        let other = try h.request("GET", "/apis/example.com/v1beta1/namespaces/default/widgets/w")
        #expect(other.json["apiVersion"] == "example.com/v1beta1")
        #expect(other.json["spec", "size"] == 2)
        let smp = try h.request("PATCH", path + "/w", body: "{}", contentType: "application/strategic-merge-patch+json")
        #expect(smp.status == 415)
        // Deleting the CRD stops serving and removes its objects.
        #expect(try h.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status == 200)
        #expect(try h.request("GET", path + "/w").status == 404)
        #expect(try h.request("GET", "/apis/example.com/v1").status == 404)
    }

    @Test("garbage collection: background and foreground propagation, finalizers hold deletion")
    func garbageCollection() throws {
        let h = try SandboxHarness()
        defer { h.stop() }
        func make(_ name: String, owner: JSONValue? = nil, finalizer: Bool = false) throws -> JSONValue {
            var o: JSONValue = ["metadata": ["name": .string(name)]]
            if let owner {
                o.set([["apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata", "name"] ?? "",
                        "uid": owner["metadata", "uid"] ?? ""]], at: ["metadata", "ownerReferences"])
            }
            if finalizer { o.set(["example.com/hold"], at: ["metadata", "finalizers"]) }
            return try h.request("POST", Self.cmPath, body: JSONWriter.string(o)).json
        }
        let root = try make("root")
        let child = try make("child", owner: root)
        _ = try make("grandchild", owner: child)
        #expect(try h.request("DELETE", Self.cmPath + "/root", body: #"{"propagationPolicy":"Background"}"#).status == 200)
        for name in ["root", "child", "grandchild"] {
            #expect(try h.request("GET", Self.cmPath + "/\(name)").status == 404)
        }

        let owner = try make("owner")
        _ = try make("held", owner: owner, finalizer: true)
        let fg = try h.request("DELETE", Self.cmPath + "/owner", body: #"{"propagationPolicy":"Foreground"}"#)
        #expect(fg.status == 200)
        #expect(fg.json["metadata", "deletionTimestamp"] != nil)
        let held = try h.request("GET", Self.cmPath + "/held").json
        #expect(held["metadata", "deletionTimestamp"] != nil)
        #expect(try h.request("GET", Self.cmPath + "/owner").json["metadata", "finalizers"] == ["foregroundDeletion"])
        // Releasing the dependent's finalizer lets both go.
        let release = try h.request("PATCH", Self.cmPath + "/held", body: #"{"metadata":{"finalizers":null}}"#,
                                    contentType: "application/merge-patch+json")
        #expect(release.status == 200)
        #expect(try h.request("GET", Self.cmPath + "/held").status == 404)
        #expect(try h.request("GET", Self.cmPath + "/owner").status == 404)

        let orphanOwner = try make("o2")
        _ = try make("kept", owner: orphanOwner)
        _ = try h.request("DELETE", Self.cmPath + "/o2", body: #"{"propagationPolicy":"Orphan"}"#)
        let kept = try h.request("GET", Self.cmPath + "/kept")
        #expect(kept.status == 200)
        #expect(kept.json["metadata", "ownerReferences"] == nil)
    }

    @Test("bearer-token auth: 401 Status without the token")
    func auth() throws {
        let h = try SandboxHarness(token: "s3cret-token")
        defer { h.stop() }
        let denied = try h.request("GET", "/api/v1/namespaces", authorized: false)
        #expect(denied.status == 401)
        #expect(denied.json["kind"] == "Status")
        #expect(denied.json["reason"] == "Unauthorized")
        #expect(!denied.text.contains("s3cret"))
        #expect(try h.request("GET", "/api/v1/namespaces").status == 200)
        #expect(h.sandbox.kubeconfig().contains("token: \"s3cret-token\""))
    }
}
