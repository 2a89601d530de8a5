import Resources

/// `/version`, `/api`, `/apis` and the resource lists, as plain (non-aggregated) discovery documents, which
/// both current kubectl (it falls back from aggregated discovery) and kubectl 1.20 read.
enum Discovery {
    static let kubernetesVersion: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0-sandbox", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0", "compiler": "gc",
        "platform": "linux/amd64",
    ]

    static func coreVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    static func groupList(_ registry: ResourceRegistry) -> JSONValue {
        let groups: [JSONValue] = registry.groups.map { g in
            let versions: [JSONValue] = g.versions.map { ["groupVersion": .string("\(g.name)/\($0)"), "version": .string($0)] }
            return ["name": .string(g.name), "versions": .array(versions), "preferredVersion": versions.first ?? .null]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    static func group(_ registry: ResourceRegistry, name: String) -> JSONValue? {
        guard let g = registry.groups.first(where: { $0.name == name }) else { return nil }
        let versions: [JSONValue] = g.versions.map { ["groupVersion": .string("\(g.name)/\($0)"), "version": .string($0)] }
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(versions),
                "preferredVersion": versions.first ?? .null]
    }

    static func resourceList(_ registry: ResourceRegistry, group: String, version: String) -> JSONValue? {
        let types = registry.types(group: group, version: version)
        guard !types.isEmpty else { return nil }
        var resources: [JSONValue] = []
        for t in types {
            var r = JSONObject()
            r["name"] = .string(t.resource)
            r["singularName"] = .string(t.singular)
            r["namespaced"] = .bool(t.namespaced)
            r["kind"] = .string(t.kind)
            r["verbs"] = .array(t.verbs.map(JSONValue.string))
            if !t.shortNames.isEmpty { r["shortNames"] = .array(t.shortNames.map(JSONValue.string)) }
            if !t.categories.isEmpty { r["categories"] = .array(t.categories.map(JSONValue.string)) }
            r["storageVersionHash"] = .string(WorkloadController.templateHash(.string(t.qualifiedResource)))
            resources.append(.object(r))
            if t.hasStatus {
                resources.append([
                    "name": .string("\(t.resource)/status"), "singularName": "", "namespaced": .bool(t.namespaced),
                    "kind": .string(t.kind), "verbs": ["get", "patch", "update"],
                ])
            }
            if t.hasScale {
                resources.append([
                    "name": .string("\(t.resource)/scale"), "singularName": "", "namespaced": .bool(t.namespaced),
                    "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"],
                ])
            }
        }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv), "resources": .array(resources)]
    }
}
