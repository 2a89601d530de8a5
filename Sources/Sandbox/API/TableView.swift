import Foundation
import Resources

/// `meta.k8s.io/v1` Table responses for `kubectl get` (asked for with `Accept: ...;as=Table;...`): the columns
/// kubectl prints for the common built-in kinds, and a CRD's `additionalPrinterColumns` for custom resources.
enum TableView {
    struct Column {
        var name: String
        var type: String
        var priority: Int = 0
        var value: (JSONValue) -> JSONValue
    }

    static func wanted(_ accept: String) -> Bool { accept.contains("as=Table") }

    static func table(_ t: ResourceType, objects: [JSONValue], listMeta: JSONValue?, crd: JSONValue?, now: Date, full: Bool) -> JSONValue {
        let columns = columns(for: t, crd: crd, now: now)
        let definitions: [JSONValue] = columns.map {
            ["name": .string($0.name), "type": .string($0.type), "format": $0.name == "Name" ? "name" : "",
             "description": "", "priority": .int(Int64($0.priority))]
        }
        let rows: [JSONValue] = objects.map { obj in
            var partial = JSONObject()
            partial["kind"] = "PartialObjectMetadata"
            partial["apiVersion"] = "meta.k8s.io/v1"
            partial["metadata"] = obj["metadata"] ?? .object(JSONObject())
            return ["cells": .array(columns.map { $0.value(obj) }), "object": full ? obj : .object(partial)]
        }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": listMeta ?? [:],
                "columnDefinitions": .array(definitions), "rows": .array(rows)]
    }

    private static func int(_ v: JSONValue?) -> Int64 { v?.intValue ?? 0 }

    static func columns(for t: ResourceType, crd: JSONValue?, now: Date) -> [Column] {
        let name = Column(name: "Name", type: "string") { $0["metadata", "name"] ?? "" }
        let age = Column(name: "Age", type: "string") { .string(TableView.age(of: $0, now: now)) }
        switch (t.group, t.resource) {
        case ("apps", "deployments"):
            return [
                name,
                Column(name: "Ready", type: "string") { .string("\(int($0["status", "readyReplicas"]))/\(int($0["spec", "replicas"]))") },
                Column(name: "Up-to-date", type: "integer") { .int(int($0["status", "updatedReplicas"])) },
                Column(name: "Available", type: "integer") { .int(int($0["status", "availableReplicas"])) },
                age,
            ]
        case ("apps", "daemonsets"):
            return [name] + ["desiredNumberScheduled": "Desired", "currentNumberScheduled": "Current", "numberReady": "Ready",
                             "updatedNumberScheduled": "Up-to-date", "numberAvailable": "Available"]
                .sorted { order($0.value) < order($1.value) }
                .map { field, title in Column(name: title, type: "integer") { .int(int($0["status", field])) } } + [age]
        case ("", "services"):
            return [
                name,
                Column(name: "Type", type: "string") { $0["spec", "type"] ?? "ClusterIP" },
                Column(name: "Cluster-IP", type: "string") { $0["spec", "clusterIP"] ?? "<none>" },
                Column(name: "Port(s)", type: "string") { obj in
                    .string((obj["spec", "ports"]?.arrayValue ?? []).map {
                        "\(int($0["port"]))/\($0["protocol"]?.stringValue ?? "TCP")"
                    }.joined(separator: ","))
                },
                age,
            ]
        case ("", "namespaces"):
            return [name, Column(name: "Status", type: "string") { $0["status", "phase"] ?? "Active" }, age]
        case ("", "configmaps"):
            return [name, Column(name: "Data", type: "integer") { .int(Int64(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0))) }, age]
        case ("", "secrets"):
            return [name, Column(name: "Type", type: "string") { $0["type"] ?? "Opaque" },
                    Column(name: "Data", type: "integer") { .int(Int64($0["data"]?.objectValue?.count ?? 0)) }, age]
        default:
            break
        }
        guard let crd else { return [name, age] }
        let version = (crd["spec", "versions"]?.arrayValue ?? []).first { $0["name"]?.stringValue == t.version }
        let printer = version?["additionalPrinterColumns"]?.arrayValue ?? []
        if printer.isEmpty { return [name, age] }
        return [name] + printer.map { c in
            let path = (c["jsonPath"]?.stringValue ?? "").split(separator: ".").map(String.init)
            let type = c["type"]?.stringValue ?? "string"
            return Column(name: c["name"]?.stringValue ?? "", type: type, priority: Int(c["priority"]?.intValue ?? 0)) { obj in
                guard let v = obj.value(at: path) else { return .null }
                if type == "date", let s = v.stringValue, let d = Timestamp.parse(s) {
                    return .string(humanDuration(now.timeIntervalSince(d)))
                }
                switch v {
                case .object, .array: return .string(JSONWriter.string(v))
                default: return v
                }
            }
        } + (printer.contains { $0["name"]?.stringValue == "Age" } ? [] : [age])
    }

    private static func order(_ title: String) -> Int {
        ["Desired", "Current", "Ready", "Up-to-date", "Available"].firstIndex(of: title) ?? 99
    }

    static func age(of obj: JSONValue, now: Date) -> String {
        guard let s = obj["metadata", "creationTimestamp"]?.stringValue, let d = Timestamp.parse(s) else { return "<unknown>" }
        return humanDuration(now.timeIntervalSince(d))
    }

    /// kubectl's short human durations: 45s, 3m12s, 25m, 5h3m, 30h, 3d4h, 40d, 2y.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let s = Int(max(interval, 0))
        if s < 120 { return "\(s)s" }
        let m = s / 60
        if m < 10 { return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s" }
        if m < 180 { return "\(m)m" }
        let h = m / 60
        if h < 8 { return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m" }
        if h < 48 { return "\(h)h" }
        let d = h / 24
        if d < 8 { return h % 24 == 0 ? "\(d)d" : "\(d)d\(h % 24)h" }
        if d < 730 { return "\(d)d" }
        return "\(d / 365)y"
    }
}
