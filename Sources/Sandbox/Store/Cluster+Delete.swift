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
        garbageQueue.append(key)
        collectGarbage()
        return objects[key].map { view($0, as: t) }
    }

    /// Removes an object for good, with its CRD's custom resources when it is a CRD.
    mutating func remove(_ key: StoreKey) {
        guard var obj = objects.removeValue(forKey: key) else { return }
        rollouts[key] = nil
        statusSchedule.unschedule(key)
        // The collector's work this creates: dependents lose an owner; owners deleting in the foreground may
        // have no dependents left.
        // (`ObjectStore` notes the owners: see `takeReleasedOwners`.)
        if let uid = obj["metadata", "uid"]?.stringValue { garbageQueue.append(contentsOf: objects.dependents(of: uid).sorted()) }
        obj.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
        record("DELETED", key, obj)
        if key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions" {
            if let group = obj["spec", "group"]?.stringValue, let plural = obj["spec", "names", "plural"]?.stringValue {
                for (k, _) in stored(group: group, resource: plural) { remove(k) }
            }
            rebuildRegistry()
        }
        if key.group == RBACAuthorizer.group && key.resource == "clusterroles" { aggregateClusterRoles() }
        if key.group.isEmpty && key.resource == "nodes" { refreshDaemonSets() }
    }

    mutating func deleteNamespaceContents(_ namespace: String) {
        for k in objects.keys where k.namespace == namespace && !(k.group.isEmpty && k.resource == "namespaces") {
            remove(k)
        }
    }

    /// Drops owner references to `uid` from every dependent (propagationPolicy Orphan).
    mutating func orphanDependents(of uid: String) {
        for k in objects.dependents(of: uid).sorted() {
            guard let v = objects[k], let refs = v["metadata", "ownerReferences"]?.arrayValue else { continue }
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
    ///
    /// Incremental: it looks only at the objects in `garbageQueue` (what the last change concerns: the object
    /// written or marked, the dependents and the foreground owners of what was removed), and every change it
    /// makes queues what that change concerns in turn, so a write costs what it touches, not a pass over the
    /// cluster.
    mutating func collectGarbage() {
        var next = 0
        while true {
            if next == garbageQueue.count {
                // Owners that lost a dependent: one deleting in the foreground may be done waiting.
                garbageQueue.append(contentsOf: objects.takeReleasedOwners().compactMap { objects.key(uid: $0) })
                if next == garbageQueue.count || next >= 1_000_000 { break }
            }
            let k = garbageQueue[next]
            next += 1
            guard let v = objects[k] else { continue }
            let refs = v["metadata", "ownerReferences"]?.arrayValue ?? []
            let finalizers = v["metadata", "finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let deleting = v["metadata", "deletionTimestamp"] != nil
            if !refs.isEmpty && !deleting {
                let live = refs.filter { objects.key(uid: $0["uid"]?.stringValue ?? "") != nil }
                if live.isEmpty {
                    markDeleted(k, v, finalizers: finalizers, foreground: false)
                    continue
                } else if live.count != refs.count {
                    var o = v
                    o.set(.array(live), at: ["metadata", "ownerReferences"])
                    o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
                    objects[k] = o
                    record("MODIFIED", k, o)
                }
            }
            if deleting && finalizers.contains("foregroundDeletion") {
                let uid = v["metadata", "uid"]?.stringValue ?? ""
                let deps = objects.dependents(of: uid).sorted()
                for d in deps where objects[d]?["metadata", "deletionTimestamp"] == nil {
                    if let dv = objects[d] {
                        let dfin = dv["metadata", "finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
                        markDeleted(d, dv, finalizers: dfin, foreground: true)
                    }
                }
                if deps.allSatisfy({ objects[$0] == nil }) {
                    var o = v
                    let rest = finalizers.filter { $0 != "foregroundDeletion" }
                    o.set(rest.isEmpty ? nil : .array(rest.map(JSONValue.string)), at: ["metadata", "finalizers"])
                    o.set(.string(String(nextResourceVersion())), at: ["metadata", "resourceVersion"])
                    objects[k] = o
                    record("MODIFIED", k, o)
                    garbageQueue.append(k)
                }
            } else if deleting && finalizers.isEmpty {
                remove(k)
            }
        }
        garbageQueue.removeAll()
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
        garbageQueue.append(k)
    }

    /// Whether any object names `v` as its owner.
    private func dependsOnSomething(_ v: JSONValue) -> Bool {
        guard let uid = v["metadata", "uid"]?.stringValue else { return false }
        return !objects.dependents(of: uid).isEmpty
    }
}
