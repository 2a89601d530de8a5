import Foundation
import Resources

/// The whole simulated cluster state. Always used under the Sandbox's single lock, so every request is atomic.
struct Cluster {
    /// Stored objects, keyed by group/resource/namespace/name; each keeps the apiVersion it was last written with.
    var objects = ObjectStore()
    /// The last issued resourceVersion.
    var resourceVersion: Int64 = 100
    var registry = ResourceRegistry()
    var clock = SandboxClock()
    /// When each workload's current pod template started rolling out (for progress deadlines).
    var rollouts: [StoreKey: Rollout] = [:]
    /// The objects whose status can still change with the clock alone (see ``StatusSchedule``).
    var statusSchedule = StatusSchedule()
    /// Objects the garbage collector has to look at (see `collectGarbage`).
    var garbageQueue: [StoreKey] = []
    /// Recent changes, for watch requests.
    var watchLog: [WatchEvent] = []
    /// The newest resourceVersion dropped from `watchLog`: watches from before it get 410 Expired.
    var watchLogFloor: Int64 = 0
    /// Simulated request traffic per workload, for `/metrics`.
    var traffic = TrafficLedger()
    var uidCounter: UInt64 = 0
    /// Number of simulated nodes (DaemonSets schedule one pod per node).
    var nodeCount = 1

    struct Rollout {
        var templateHash: String
        var started: Date
    }

    struct WatchEvent {
        var resourceVersion: Int64
        var type: String
        var key: StoreKey
        var object: JSONValue
    }

    init(clock: SandboxClock = SandboxClock()) {
        self.clock = clock
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let t = BuiltinResources.all[0]
            let obj: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]]
            _ = try? create(t, namespace: nil, object: obj, options: WriteOptions(manager: "sandbox"))
        }
    }

    var now: Date { clock.now }
    var nowString: String { Timestamp.string(clock.now) }

    mutating func nextResourceVersion() -> Int64 {
        resourceVersion += 1
        return resourceVersion
    }

    mutating func newUID() -> String {
        uidCounter += 1
        let random = UUID().uuidString.lowercased()
        return random
    }

    func key(_ t: ResourceType, _ namespace: String?, _ name: String) -> StoreKey {
        StoreKey(group: t.group, resource: t.resource, namespace: t.namespaced ? (namespace ?? "") : "", name: name)
    }

    /// The object as seen through `t`'s version (custom resources are stored once and served in every version).
    func view(_ object: JSONValue, as t: ResourceType) -> JSONValue {
        var o = object
        o["apiVersion"] = .string(t.groupVersion)
        o["kind"] = .string(t.kind)
        return o
    }

    func namespaceExists(_ name: String) -> Bool {
        objects[StoreKey(group: "", resource: "namespaces", namespace: "", name: name)] != nil
    }

    /// All stored objects of a resource (any version), optionally in one namespace, sorted by key.
    func stored(group: String, resource: String, namespace: String? = nil) -> [(StoreKey, JSONValue)] {
        objects.sortedKeys(group: group, resource: resource, namespace: namespace).compactMap { k in objects[k].map { (k, $0) } }
    }

    /// Records a change for watchers, keeping the log bounded.
    mutating func record(_ type: String, _ key: StoreKey, _ object: JSONValue) {
        let rv = Int64(object["metadata", "resourceVersion"]?.stringValue ?? "") ?? resourceVersion
        watchLog.append(WatchEvent(resourceVersion: rv, type: type, key: key, object: object))
        if watchLog.count > 3000 {
            let drop = watchLog.count - 2000
            watchLogFloor = watchLog[drop - 1].resourceVersion
            watchLog.removeFirst(drop)
        }
    }

    /// Finds the stored object with this uid.
    func object(uid: String) -> (StoreKey, JSONValue)? {
        guard let k = objects.key(uid: uid), let v = objects[k] else { return nil }
        return (k, v)
    }
}

/// Options shared by create, update, patch and delete.
struct WriteOptions {
    var manager: String
    var dryRun = false
    var force = false
    var subresource: String? = nil
    /// `Strict` turns fields a CRD schema does not declare into a 400 instead of pruning them silently.
    var fieldValidation: String? = nil
}
