import Foundation
import Resources

/// How dependents are treated when their owner is deleted.
enum PropagationPolicy: String {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

extension Cluster {
    /// DELETE of one object. Returns the object when it lingers (finalizers, foreground deletion), else nil.
    mutating func delete(
        _ t: ResourceType, namespace: String?, name: String, policy: PropagationPolicy?,
        preconditionUID: String?, preconditionRV: String?, dryRun: Bool
    ) throws(APIError) -> JSONValue? {
        let key = key(t, namespace, name)
        guard var obj = objects[key] else { throw .notFound(t, name) }
        if let uid = preconditionUID, uid != obj["metadata", "uid"]?.stringValue {
            throw .conflict(t, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(obj["metadata", "uid"]?.stringValue ?? "")")
        }
        if let rv = preconditionRV, rv != obj["metadata", "resourceVersion"]?.stringValue {
            throw .conflict(t, name, "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(obj["metadata", "resourceVersion"]?.stringValue ?? "")")
        }
        if dryRun { return view(obj, as: t) }
        let policy = policy ?? .background
        var finalizers = obj["metadata", "finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if policy == .orphan { orphanDependents(of: obj["metadata", "uid"]?.stringValue ?? "") }
        if policy == .foreground && !finalizers.contains("foregroundDeletion") { finalizers.append("foregroundDeletion") }
        if t.resource == "namespaces" && t.group.isEmpty {
            deleteNamespaceContents(name)
        }
        if finalizers.isEmpty {
            remove(key)
            collectGarbage()
            return nil
        }
        if obj["metadata", "deletionTimestamp"] == nil {
            obj.set(.string(nowString), at: ["metadata", "deletionTimestamp"])
            obj.set(0, at: ["metadata", "deletionGracePeriodSeconds"])
        }
        obj.set(.array(finalizers.map(JSONValue.string)), at: ["metadata", "finalizers"])
        obj.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
        objects[key] = obj
        record("MODIFIED", key, obj)
        if key.group == "apiextensions.k8s.io" { rebuildRegistry() }
        collectGarbage()
        return objects[key].map { view($0, as: t) }
    }

    /// Removes an object for good, with its CRD's custom resources when it is a CRD.
    mutating func remove(_ key: StoreKey) {
        guard var obj = objects.removeValue(forKey: key) else { return }
        rollouts[key] = nil
        obj.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
        record("DELETED", key, obj)
        if key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions" {
            if let group = obj["spec", "group"]?.stringValue, let plural = obj["spec", "names", "plural"]?.stringValue {
                for (k, _) in stored(group: group, resource: plural) { remove(k) }
            }
            rebuildRegistry()
        }
        if key.group == RBACAuthorizer.group && key.resource == "clusterroles" { aggregateClusterRoles() }
    }

    mutating func deleteNamespaceContents(_ namespace: String) {
        for k in objects.keys where k.namespace == namespace && !(k.group.isEmpty && k.resource == "namespaces") {
            remove(k)
        }
    }

    /// Drops owner references to `uid` from every dependent (propagationPolicy Orphan).
    mutating func orphanDependents(of uid: String) {
        for (k, v) in objects {
            guard let refs = v["metadata", "ownerReferences"]?.arrayValue,
                refs.contains(where: { $0["uid"]?.stringValue == uid })
            else { continue }
            var o = v
            let kept = refs.filter { $0["uid"]?.stringValue != uid }
            o.set(kept.isEmpty ? nil : .array(kept), at: ["metadata", "ownerReferences"])
            o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
            objects[k] = o
            record("MODIFIED", k, o)
        }
    }

    /// Runs the garbage collector and finalization to a fixed point:
    /// objects whose owners are all gone are deleted (background), foreground owners wait for their dependents,
    /// and objects marked for deletion with no finalizers left are removed.
    mutating func collectGarbage() {
        var rounds = 0
        while rounds < 100 {
            rounds += 1
            var changed = false
            let liveUIDs = Set(objects.values.compactMap { $0["metadata", "uid"]?.stringValue })
            var dependents: [String: [StoreKey]] = [:]
            for (k, v) in objects {
                for ref in v["metadata", "ownerReferences"]?.arrayValue ?? [] {
                    if let uid = ref["uid"]?.stringValue { dependents[uid, default: []].append(k) }
                }
            }
            for k in objects.keys.sorted() {
                guard let v = objects[k] else { continue }
                let refs = v["metadata", "ownerReferences"]?.arrayValue ?? []
                let finalizers = v["metadata", "finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let deleting = v["metadata", "deletionTimestamp"] != nil
                if !refs.isEmpty && !deleting {
                    let live = refs.filter { liveUIDs.contains($0["uid"]?.stringValue ?? "") }
                    if live.isEmpty {
                        markDeleted(k, v, finalizers: finalizers, foreground: false)
                        changed = true
                        continue
                    } else if live.count != refs.count {
                        var o = v
                        o.set(.array(live), at: ["metadata", "ownerReferences"])
                        o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
                        objects[k] = o
                        record("MODIFIED", k, o)
                        changed = true
                    }
                }
                if deleting && finalizers.contains("foregroundDeletion") {
                    let uid = v["metadata", "uid"]?.stringValue ?? ""
                    let deps = (dependents[uid] ?? []).filter { objects[$0] != nil }
                    for d in deps where objects[d]?["metadata", "deletionTimestamp"] == nil {
                        if let dv = objects[d] {
                            let dfin = dv["metadata", "finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
                            markDeleted(d, dv, finalizers: dfin, foreground: true)
                            changed = true
                        }
                    }
                    if deps.allSatisfy({ objects[$0] == nil }) {
                        var o = v
                        let rest = finalizers.filter { $0 != "foregroundDeletion" }
                        o.set(rest.isEmpty ? nil : .array(rest.map(JSONValue.string)), at: ["metadata", "finalizers"])
                        o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
                        objects[k] = o
                        record("MODIFIED", k, o)
                        changed = true
                    }
                } else if deleting && finalizers.isEmpty {
                    remove(k)
                    changed = true
                }
            }
            if !changed { return }
        }
    }

    /// Deletes one object as the garbage collector does: at once, or marked when finalizers hold it.
    private mutating func markDeleted(_ k: StoreKey, _ v: JSONValue, finalizers: [String], foreground: Bool) {
        var fin = finalizers
        if foreground && !fin.contains("foregroundDeletion") && dependsOnSomething(v) { fin.append("foregroundDeletion") }
        if fin.isEmpty {
            remove(k)
            return
        }
        var o = v
        o.set(.string(nowString), at: ["metadata", "deletionTimestamp"])
        o.set(0, at: ["metadata", "deletionGracePeriodSeconds"])
        o.set(.array(fin.map(JSONValue.string)), at: ["metadata", "finalizers"])
        o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
        objects[k] = o
        record("MODIFIED", k, o)
    }

    /// Whether any object names `v` as its owner.
    private func dependsOnSomething(_ v: JSONValue) -> Bool {
        guard let uid = v["metadata", "uid"]?.stringValue else { return false }
        return objects.values.contains { o in
            (o["metadata", "ownerReferences"]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
        }
    }
}
