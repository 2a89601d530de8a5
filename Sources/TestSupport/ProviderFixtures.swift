import Foundation
import Resources

/// The user-owned objects the provider routers copy: the apex Ingress (NGINX, Skipper), the ApisixRoute
/// (APISIX) and a Gloo Upstream template; all in namespace `default` for the podinfo canary.
public enum ProviderFixtures {
    /// An Ingress routing `app.example.com/` to the apex service `podinfo:9898`.
    public static func ingress(annotations: [String: String] = ["kubernetes.io/ingress.class": "nginx"]) -> JSONValue {
        var o: JSONValue = [
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": ["name": "podinfo", "namespace": "default", "labels": ["app": "podinfo"]],
            "spec": ["rules": [["host": "app.example.com", "http": ["paths": [
                ["path": "/", "pathType": "Prefix", "backend": ["service": ["name": "podinfo", "port": ["number": 9898]]]],
            ]]]]],
        ]
        if !annotations.isEmpty { o.set(JSONValue.fromStringMap(annotations), at: ["metadata", "annotations"]) }
        return o
    }

    /// An ApisixRoute `podinfo` with one HTTP route to the apex service.
    public static func apisixRoute() -> JSONValue {
        ["apiVersion": "apisix.apache.org/v2", "kind": "ApisixRoute",
         "metadata": ["name": "podinfo", "namespace": "default"],
         "spec": ["http": [["name": "method", "match": ["hosts": ["app.example.com"], "paths": ["/*"], "methods": ["GET"]],
                            "backends": [["serviceName": "podinfo", "servicePort": 9898]]]]]]
    }

    /// A Gloo Upstream template with a connection setting to copy.
    public static func upstream() -> JSONValue {
        ["apiVersion": "gloo.solo.io/v1", "kind": "Upstream",
         "metadata": ["name": "podinfo-template", "namespace": "default"],
         "spec": ["connectionConfig": ["maxRequestsPerConnection": 100],
                  "kube": ["serviceName": "ignored", "serviceNamespace": "default", "servicePort": 80]]]
    }

    /// A Knative Service `podinfo` as the revision controller leaves it: latest created revision `podinfo-00002`,
    /// primary revision `podinfo-00001` (annotation).
    public static func knativeService() -> JSONValue {
        ["apiVersion": "serving.knative.dev/v1", "kind": "Service",
         "metadata": ["name": "podinfo", "namespace": "default", "annotations": ["flagger.app/primary-revision": "podinfo-00001"]],
         "spec": ["template": ["spec": ["containers": [["image": "ghcr.io/stefanprodan/podinfo:6.0.1"]]]]],
         "status": ["latestCreatedRevisionName": "podinfo-00002", "latestReadyRevisionName": "podinfo-00002"]]
    }

    /// The objects a provider needs besides the workload, by provider.
    public static func objects(for provider: String) -> [JSONValue] {
        switch provider {
        case "nginx": return [ingress()]
        case "skipper": return [ingress(annotations: ["zalando.org/skipper-filter": "compress()"])]
        case "apisix": return [apisixRoute()]
        case "knative": return [knativeService()]
        case let p where p.hasPrefix("gloo"): return [upstream()]
        default: return []
        }
    }

    /// Sets the references a provider needs on a canary.
    public static func configure(_ c: inout Canary, provider: String) {
        switch provider {
        case "nginx", "skipper": c.spec.ingressRef = LocalObjectReference(apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "podinfo")
        case "apisix": c.spec.routeRef = LocalObjectReference(apiVersion: "apisix.apache.org/v2", kind: "ApisixRoute", name: "podinfo")
        case "knative": c.spec.targetRef = LocalObjectReference(apiVersion: "serving.knative.dev/v1", kind: "Service", name: "podinfo")
        case let p where p.hasPrefix("gloo"):
            let json = #"{"apiVersion":"gloo.solo.io/v1","kind":"Upstream","name":"podinfo-template","namespace":"default"}"#
            c.spec.upstreamRef = try? JSONDecoder().decode(CrossNamespaceObjectReference.self, from: Data(json.utf8))
        default: break
        }
    }
}
