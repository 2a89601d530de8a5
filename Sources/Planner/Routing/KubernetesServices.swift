import Resources

/// The three ClusterIP Services of every Deployment/DaemonSet canary (flagger-behaviour.md §6.1):
/// `<apex>-canary` → target pods, `<apex>-primary` and `<apex>` → primary pods.
enum KubernetesServices {
    /// Which of the three services.
    enum Role { case apex, primary, canary }

    /// The desired Service of a role.
    static func desired(_ role: Role, context ctx: CanaryContext, existingApex: ServiceView?) -> JSONValue {
        let canary = ctx.canary
        let service = canary.spec.service
        let name: String
        let selectorValue: String
        let custom: CustomMetadata?
        switch role {
        case .apex: (name, selectorValue, custom) = (canary.apexName, ctx.selectorValue + "-primary", service.apex)
        case .primary:
            (name, selectorValue, custom) = (canary.primaryServiceName, ctx.selectorValue + "-primary", service.primary)
        case .canary: (name, selectorValue, custom) = (canary.canaryServiceName, ctx.selectorValue, service.canary)
        }
        var spec: JSONValue = [
            "type": "ClusterIP",
            "selector": [ctx.selectorLabel: .string(selectorValue)],
            "ports": .array(ports(context: ctx)),
        ]
        if service.headless == true { spec["clusterIP"] = "None" }
        if let td = service.trafficDistribution { spec["trafficDistribution"] = .string(td) }

        // A user's own apex Service is adopted by changing only its selector and ports.
        if role == .apex, let existing = existingApex, existing.controllerOwner?.kind != "Canary" {
            return [
                "apiVersion": "v1", "kind": "Service",
                "metadata": ["name": .string(name), "namespace": .string(canary.namespace)],
                "spec": ["selector": spec["selector"] ?? .null, "ports": spec["ports"] ?? .null],
            ]
        }
        var labels = custom?.labels ?? [:]
        labels[ctx.selectorLabel] = name
        let annotations = (custom?.annotations ?? [:]).merging(GeneratedMetadata.fluxAnnotations) { a, _ in a }
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": GeneratedMetadata.metadata(name: name, namespace: canary.namespace, labels: labels,
                                                   annotations: annotations, owner: canary),
            "spec": spec,
        ]
    }

    /// The service ports: the main port, plus with `portDiscovery` every other container port of non-sidecar
    /// containers.
    static func ports(context ctx: CanaryContext) -> [JSONValue] {
        let canary = ctx.canary
        var main: JSONValue = [
            "name": .string(canary.servicePortName), "protocol": "TCP", "port": .int(Int64(canary.servicePort)),
            "targetPort": canary.serviceTargetPort.jsonValue,
        ]
        if let ap = canary.spec.service.appProtocol { main["appProtocol"] = .string(ap) }
        var result = [main]
        guard canary.spec.service.portDiscovery == true, let target = ctx.target else { return result }
        for container in target.containers {
            let cname = container["name"]?.stringValue ?? ""
            if cname == "istio-proxy" || cname == "envoy" { continue }
            for (index, port) in (container["ports"]?.arrayValue ?? []).enumerated() {
                guard let number = port["containerPort"]?.intValue else { continue }
                let pname = port["name"]?.stringValue
                switch canary.spec.service.targetPort {
                case .int(let t)? where Int64(t) == number: continue
                case .string(let t)? where t == pname: continue
                case nil where Int64(canary.servicePort) == number: continue
                default: break
                }
                result.append([
                    "name": .string(pname ?? "tcp-\(cname)-\(index)"), "protocol": "TCP",
                    "port": .int(number), "targetPort": .int(number),
                ])
            }
        }
        return result
    }
}
