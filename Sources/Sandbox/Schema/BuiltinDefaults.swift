import Resources

/// The defaults kube-apiserver fills into built-in kinds, so objects read back look like a real cluster's.
enum BuiltinDefaults {
    static func apply(_ t: ResourceType, _ obj: inout JSONValue, cluster: Cluster) {
        switch (t.group, t.resource) {
        case ("apps", "deployments"):
            setIfAbsent(&obj, ["spec", "replicas"], 1)
            setIfAbsent(&obj, ["spec", "revisionHistoryLimit"], 10)
            setIfAbsent(&obj, ["spec", "progressDeadlineSeconds"], 600)
            if obj["spec", "strategy"] == nil {
                obj.set(["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": "25%", "maxSurge": "25%"]],
                        at: ["spec", "strategy"])
            }
            podTemplate(&obj)
        case ("apps", "daemonsets"):
            setIfAbsent(&obj, ["spec", "revisionHistoryLimit"], 10)
            if obj["spec", "updateStrategy"] == nil {
                obj.set(["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 1, "maxSurge": 0]],
                        at: ["spec", "updateStrategy"])
            }
            podTemplate(&obj)
        case ("", "services"):
            let type = obj["spec", "type"]?.stringValue ?? "ClusterIP"
            setIfAbsent(&obj, ["spec", "type"], .string(type))
            setIfAbsent(&obj, ["spec", "sessionAffinity"], "None")
            if type != "ExternalName" && obj["spec", "clusterIP"] == nil {
                let n = cluster.resourceVersion
                let ip = "10.96.\((n / 250) % 250).\(n % 250 + 2)"
                obj.set(.string(ip), at: ["spec", "clusterIP"])
                obj.set([.string(ip)], at: ["spec", "clusterIPs"])
            }
            if var ports = obj["spec", "ports"]?.arrayValue {
                for i in ports.indices {
                    setIfAbsent(&ports[i], ["protocol"], "TCP")
                    if ports[i]["targetPort"] == nil, let p = ports[i]["port"] { ports[i]["targetPort"] = p }
                }
                obj.set(.array(ports), at: ["spec", "ports"])
            }
        case ("", "namespaces"):
            obj.set(["phase": "Active"], at: ["status"])
            setIfAbsent(&obj, ["spec", "finalizers"], ["kubernetes"])
        case ("", "configmaps"), ("", "secrets"):
            if t.resource == "secrets" { setIfAbsent(&obj, ["type"], "Opaque") }
        default:
            break
        }
    }

    static func setIfAbsent(_ obj: inout JSONValue, _ path: [String], _ value: JSONValue) {
        if obj.value(at: path) == nil || obj.value(at: path)?.isNull == true { obj.set(value, at: path) }
    }

    private static func podTemplate(_ obj: inout JSONValue) {
        let base = ["spec", "template", "spec"]
        setIfAbsent(&obj, base + ["restartPolicy"], "Always")
        setIfAbsent(&obj, base + ["terminationGracePeriodSeconds"], 30)
        setIfAbsent(&obj, base + ["dnsPolicy"], "ClusterFirst")
        setIfAbsent(&obj, base + ["schedulerName"], "default-scheduler")
        setIfAbsent(&obj, base + ["securityContext"], .object(JSONObject()))
        guard var containers = obj.value(at: base + ["containers"])?.arrayValue else { return }
        for i in containers.indices where containers[i].objectValue != nil {
            let image = containers[i]["image"]?.stringValue ?? ""
            let latest = !image.contains(":") || image.hasSuffix(":latest")
            setIfAbsent(&containers[i], ["imagePullPolicy"], latest ? "Always" : "IfNotPresent")
            setIfAbsent(&containers[i], ["terminationMessagePath"], "/dev/termination-log")
            setIfAbsent(&containers[i], ["terminationMessagePolicy"], "File")
            setIfAbsent(&containers[i], ["resources"], .object(JSONObject()))
            if var ports = containers[i]["ports"]?.arrayValue {
                for p in ports.indices { setIfAbsent(&ports[p], ["protocol"], "TCP") }
                containers[i]["ports"] = .array(ports)
            }
        }
        obj.set(.array(containers), at: base + ["containers"])
    }
}
