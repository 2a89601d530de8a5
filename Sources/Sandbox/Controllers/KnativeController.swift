import Resources

/// A minimal Knative Serving revision controller for `serving.knative.dev/v1` Services: every change of
/// `spec.template` creates the next revision `<name>-0000N` (the counter and the template hash are kept in
/// status), and the status reports it as latest created and ready, with `status.traffic` resolved from
/// `spec.traffic` (`latestRevision: true` → the latest revision; no traffic block → 100% to it). No Revision
/// objects and no pods: enough for a canary analysis of a Knative Service target.
enum KnativeController {
    /// The status of a Knative Service about to be stored.
    static func serviceStatus(_ obj: JSONValue, old: JSONValue?, now: String) -> JSONValue {
        let name = obj["metadata", "name"]?.stringValue ?? ""
        let hash = WorkloadController.templateHash(obj["spec", "template"])
        let previous = old?["status"]
        var generation = Int(previous?["sandboxRevisionCount"]?.intValue ?? 0)
        if previous?["sandboxTemplateHash"]?.stringValue != hash { generation += 1 }
        let number = String(generation)
        let latest = "\(name)-" + String(repeating: "0", count: max(0, 5 - number.count)) + number
        var traffic: [JSONValue] = []
        for t in obj["spec", "traffic"]?.arrayValue ?? [] {
            var entry: JSONValue = ["percent": t["percent"] ?? 0]
            if t["latestRevision"]?.boolValue == true {
                entry["revisionName"] = .string(latest)
                entry["latestRevision"] = true
            } else if let r = t["revisionName"] {
                entry["revisionName"] = r
                entry["latestRevision"] = false
            }
            traffic.append(entry)
        }
        if traffic.isEmpty { traffic = [["revisionName": .string(latest), "latestRevision": true, "percent": 100]] }
        let ready: JSONValue = ["type": "Ready", "status": "True", "lastTransitionTime": .string(now)]
        return [
            "observedGeneration": obj["metadata", "generation"] ?? 1,
            "latestCreatedRevisionName": .string(latest), "latestReadyRevisionName": .string(latest),
            "traffic": .array(traffic),
            "conditions": [ready, ["type": "ConfigurationsReady", "status": "True", "lastTransitionTime": .string(now)],
                           ["type": "RoutesReady", "status": "True", "lastTransitionTime": .string(now)]],
            "sandboxRevisionCount": .int(Int64(generation)), "sandboxTemplateHash": .string(hash),
        ]
    }
}
