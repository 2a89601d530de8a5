import Resources

/// What the rollout owns, derived from the Canaries in Git (architecture rule 6): the field stripped from each
/// target (`spec.replicas`), and the objects the rollout generates, which the Git sync never applies or prunes.
///
/// Generated objects of a Canary in namespace `ns` with target `T`, apex service `A`:
/// `T-primary` (the target's kind); Services `A`, `A-primary`, `A-canary`; routing objects named `A`, `A-primary`,
/// `A-canary` of the kinds in ``routingKinds`` (and `<ingressRef>-canary` Ingresses); `X-primary` ConfigMaps and
/// Secrets for every `X` the target's pod template references; `<autoscalerRef>-primary` (its kind).
public struct SyncOwnership: Sendable {
    /// Kinds of routing objects the rollout generates (by name, in the canary's namespace).
    public static let routingKinds: Set<String> = [
        "VirtualService", "DestinationRule", "HTTPRoute", "GRPCRoute", "TrafficSplit", "HTTPProxy", "TraefikService",
        "RouteTable", "TrafficRoute", "MeshHTTPRoute", "VirtualNode", "VirtualRouter",
        "Mapping", "ServiceProfile",
    ]

    /// Targets whose `spec.replicas` the rollout owns → the Canary that owns it.
    public private(set) var targets: [SyncKey: String] = [:]
    /// Generated objects (matched by namespace, kind and name; the group is not compared) → the owning Canary.
    public private(set) var generated: [GeneratedKey: String] = [:]
    /// Names of generated routing objects (any of ``routingKinds``), as `namespace/name` → the owning Canary.
    public private(set) var routingNames: [String: String] = [:]

    /// A generated object's identity without its group.
    public struct GeneratedKey: Sendable, Hashable {
        /// The kind.
        public var kind: String
        /// The namespace.
        public var namespace: String
        /// The name.
        public var name: String
    }

    /// Derives ownership from Canaries (decoded from Git or live), with the workloads of Git to find configs.
    public init(canaries: [SyncCanary], workloads: [SyncKey: JSONValue]) {
        for canary in canaries { add(canary, workloads: workloads) }
    }

    private mutating func add(_ canary: SyncCanary, workloads: [SyncKey: JSONValue]) {
        let ns = canary.namespace
        let owner = "Canary/\(ns)/\(canary.name)"
        let kind = canary.targetKind
        let group = kind == "Service" ? "" : "apps"
        let target = SyncKey(group: group, kind: kind, namespace: ns, name: canary.targetName)
        if kind == "Deployment" { targets[target] = owner }
        func gen(_ kind: String, _ name: String) { generated[GeneratedKey(kind: kind, namespace: ns, name: name)] = owner }
        // A Knative Service target is the user's own object; the rollout only sets its traffic (no primary, no
        // Services).
        if canary.knativeTarget { return }
        gen(kind, canary.primaryName)
        let apex = canary.apexName
        for name in [apex, apex + "-primary", apex + "-canary"] {
            gen("Service", name)
            routingNames["\(ns)/\(name)"] = owner
        }
        if let ingress = canary.ingressName { gen("Ingress", ingress + "-canary") }
        // APISIX and Gloo name their generated objects apart from the apex: the user's route/upstream stays Git's.
        if let route = canary.routeRefName { gen("ApisixRoute", "\(route)-\(apex)-canary") }
        for role in ["primary", "canary"] { gen("Upstream", "\(ns)-\(apex)-\(role)upstream-\(canary.servicePort)") }
        if let scaler = canary.autoscaler { gen(scaler.kind, scaler.name + "-primary") }
        if let workload = workloads[target] {
            let refs = PodTemplateRefs(workload: workload)
            for c in refs.configMaps { gen("ConfigMap", c + "-primary") }
            for s in refs.secrets { gen("Secret", s + "-primary") }
        }
    }

    /// The Canary that generates an object, if any.
    public func generator(of key: SyncKey) -> String? {
        if let owner = generated[GeneratedKey(kind: key.kind, namespace: key.namespace, name: key.name)] { return owner }
        guard Self.routingKinds.contains(key.kind) else { return nil }
        return routingNames["\(key.namespace)/\(key.name)"]
    }

    /// Whether the rollout owns the object's `spec.replicas` (it is a canary's target).
    public func ownsReplicas(of key: SyncKey) -> Bool { targets[key] != nil }

    /// Removes the rollout-owned fields from a desired object; returns the Git replica count it removed, if any.
    @discardableResult
    public func strip(_ object: inout JSONValue, key: SyncKey) -> Int64? {
        guard let replicas = replicas(in: object, key: key) else { return nil }
        object.set(nil, at: ["spec", "replicas"])
        return replicas
    }

    /// The Git replica count ``strip(_:key:)`` removes from a desired object, if any (without removing it).
    public func replicas(in object: JSONValue, key: SyncKey) -> Int64? {
        guard targets[key] != nil, let replicas = object["spec", "replicas"] else { return nil }
        return replicas.intValue
    }

    /// The hand-over of a rollout-owned field that Git's manager owned alone so far (the target was applied with
    /// `spec.replicas` before its Canary existed): an apply body for the rollout's manager carrying the live value,
    /// so that the next Git apply, which omits the field, cannot remove it and reset it to the default.
    /// `nil` when nothing needs handing over (or the live object shows no `managedFields`).
    public func handover(live: JSONValue, key: SyncKey, apiVersion: String) -> JSONValue? {
        guard targets[key] != nil, let replicas = live["spec", "replicas"] else { return nil }
        var gitOwns = false
        for entry in live["metadata", "managedFields"]?.arrayValue ?? [] {
            guard entry["fieldsV1", "f:spec", "f:replicas"] != nil else { continue }
            if entry["manager"]?.stringValue == SyncFieldManagers.git { gitOwns = true } else { return nil }
        }
        guard gitOwns else { return nil }
        return [
            "apiVersion": .string(apiVersion), "kind": .string(key.kind),
            "metadata": ["name": .string(key.name), "namespace": .string(key.namespace)],
            "spec": ["replicas": replicas],
        ]
    }
}

/// The field managers of the architecture's contract ("Field managers").
public enum SyncFieldManagers {
    /// Applies what Git declares.
    public static let git = "gitcanary"
    /// Writes what the rollout owns (target replicas, generated objects, routes, status).
    public static let rollout = "gitcanary-rollout"
}
