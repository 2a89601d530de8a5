import Resources

/// A ConfigMap or Secret the target references and the engine tracks (flagger-behaviour.md §5.3).
struct TrackedConfig: Sendable, Hashable {
    /// `ConfigMap` or `Secret`.
    var kind: String
    /// The name.
    var name: String
    /// The observed object.
    var object: ConfigObjectView
    /// `configmap/<name>` or `secret/<name>`.
    var key: String { kind.lowercased() + "/" + name }
}

/// A reference to a config found in a pod template.
struct ConfigReference: Sendable, Hashable {
    var kind: String
    var name: String
    var optional: Bool
}

/// Config tracking: what a pod template references, which copies exist, and how references are renamed.
enum ConfigTracking {
    /// References to ConfigMaps and Secrets in volumes, projected volumes, env and envFrom of every container
    /// and init container, in order of appearance, without duplicates.
    static func references(in podSpec: JSONValue) -> [ConfigReference] {
        var refs: [ConfigReference] = []
        func add(_ kind: String, _ name: String?, _ optional: JSONValue?) {
            guard let name, !name.isEmpty else { return }
            let r = ConfigReference(kind: kind, name: name, optional: optional?.boolValue == true)
            if !refs.contains(where: { $0.kind == r.kind && $0.name == r.name }) { refs.append(r) }
        }
        for volume in podSpec["volumes"]?.arrayValue ?? [] {
            if let cm = volume["configMap"] { add("ConfigMap", cm["name"]?.stringValue, cm["optional"]) }
            if let s = volume["secret"] { add("Secret", s["secretName"]?.stringValue, s["optional"]) }
            for source in volume["projected", "sources"]?.arrayValue ?? [] {
                if let cm = source["configMap"] { add("ConfigMap", cm["name"]?.stringValue, cm["optional"]) }
                if let s = source["secret"] { add("Secret", s["name"]?.stringValue, s["optional"]) }
            }
        }
        for container in containers(of: podSpec) {
            for env in container["env"]?.arrayValue ?? [] {
                if let r = env["valueFrom", "configMapKeyRef"] { add("ConfigMap", r["name"]?.stringValue, r["optional"]) }
                if let r = env["valueFrom", "secretKeyRef"] { add("Secret", r["name"]?.stringValue, r["optional"]) }
            }
            for from in container["envFrom"]?.arrayValue ?? [] {
                if let r = from["configMapRef"] { add("ConfigMap", r["name"]?.stringValue, r["optional"]) }
                if let r = from["secretRef"] { add("Secret", r["name"]?.stringValue, r["optional"]) }
            }
        }
        return refs
    }

    static func containers(of podSpec: JSONValue) -> [JSONValue] {
        (podSpec["containers"]?.arrayValue ?? []) + (podSpec["initContainers"]?.arrayValue ?? [])
    }

    /// The tracked configs of a pod spec, or the error that blocks (a required config is missing).
    static func tracked(podSpec: JSONValue, lookup: (String, String) -> JSONValue?) -> Result<[TrackedConfig], PlanBlock> {
        var out: [TrackedConfig] = []
        for ref in references(in: podSpec) {
            guard let object = lookup(ref.kind, ref.name) else {
                if ref.optional { continue }
                return .failure(PlanBlock("\(ref.kind.lowercased()) \(ref.name) not found"))
            }
            let view = ConfigObjectView(object)
            if view.trackingDisabled { continue }
            if ref.kind == "Secret" && !view.isTrackableSecretType { continue }
            out.append(TrackedConfig(kind: ref.kind, name: ref.name, object: view))
        }
        return .success(out)
    }

    /// `status.trackedConfigs`: key → checksum of the config (its `data`, as Flagger).
    static func checksums(_ configs: [TrackedConfig], hasher: any SpecHasher) -> [String: String] {
        var map: [String: String] = [:]
        for c in configs { map[c.key] = hasher.hash(c.object.object) }
        return map
    }

    /// Whether the tracked configs changed against the status (§5.3).
    static func changed(current: [String: String]?, recorded: [String: String]?) -> Bool {
        guard let current else { return false }
        guard let recorded else { return !current.isEmpty }
        return current != recorded
    }

    /// The `-primary` copy of a config.
    static func primaryCopy(_ config: TrackedConfig, canary: Canary, includePrefixes: [String]) -> JSONValue {
        let labels = GeneratedMetadata.filtered(config.object.labels, includePrefixes: includePrefixes)
        var copy: JSONValue = [
            "apiVersion": "v1", "kind": .string(config.kind),
            "metadata": GeneratedMetadata.metadata(name: config.name + "-primary", namespace: canary.namespace,
                                                   labels: labels, annotations: [:], owner: canary),
        ]
        if let data = config.object.object["data"] { copy["data"] = data }
        if config.kind == "Secret" { copy["type"] = .string(config.object.secretType) }
        return copy
    }

    /// The pod spec with references to tracked configs renamed `<name>-primary`.
    static func renamed(_ podSpec: JSONValue, tracked: [TrackedConfig]) -> JSONValue {
        let cms = Set(tracked.filter { $0.kind == "ConfigMap" }.map(\.name))
        let secrets = Set(tracked.filter { $0.kind == "Secret" }.map(\.name))
        func rename(_ value: inout JSONValue, _ path: [String], in names: Set<String>) {
            if let n = value.value(at: path)?.stringValue, names.contains(n) { value.set(.string(n + "-primary"), at: path) }
        }
        var spec = podSpec
        spec["volumes"] = spec["volumes"]?.mapArray { volume in
            var v = volume
            rename(&v, ["configMap", "name"], in: cms)
            rename(&v, ["secret", "secretName"], in: secrets)
            if let sources = v["projected", "sources"] {
                v.set(sources.mapArray { source in
                    var s = source
                    rename(&s, ["configMap", "name"], in: cms)
                    rename(&s, ["secret", "name"], in: secrets)
                    return s
                }, at: ["projected", "sources"])
            }
            return v
        }
        for field in ["containers", "initContainers"] {
            spec[field] = spec[field]?.mapArray { container in
                var c = container
                c["env"] = c["env"]?.mapArray { env in
                    var e = env
                    rename(&e, ["valueFrom", "configMapKeyRef", "name"], in: cms)
                    rename(&e, ["valueFrom", "secretKeyRef", "name"], in: secrets)
                    return e
                }
                c["envFrom"] = c["envFrom"]?.mapArray { from in
                    var f = from
                    rename(&f, ["configMapRef", "name"], in: cms)
                    rename(&f, ["secretRef", "name"], in: secrets)
                    return f
                }
                return c
            }
        }
        return spec
    }
}

extension JSONValue {
    /// Maps the elements of an array value; other values are returned unchanged.
    func mapArray(_ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .array(let items) = self else { return self }
        return .array(items.map(transform))
    }

    /// Sets a value at a path only when the path's parent exists (so absent structures stay absent).
    mutating func setIfPresent(_ newValue: JSONValue?, at path: [String]) {
        guard path.count > 1, value(at: Array(path.dropLast())) != nil else { return }
        set(newValue, at: path)
    }
}
