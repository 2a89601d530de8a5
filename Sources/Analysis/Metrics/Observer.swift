import Resources

/// The builtin `request-success-rate` / `request-duration` queries of each mesh or ingress (§4.6).
///
/// The PromQL is Flagger's: after white-space folding, a rendered query here equals the one Flagger sends.
public enum Observer: String, Sendable, Hashable, CaseIterable {
    case istio, linkerd, appmesh, contour, gloo, nginx, http, skipper, traefik, osm, kuma, apisix, knative

    /// Flagger's *metrics provider* string for a canary: the global mesh provider (`crossover` when it contains
    /// "crossover"); the canary's `spec.provider` when set, except that a global provider containing "linkerd"
    /// forces `linkerd`; `:service` appended for a plain (non-Knative) Service target.
    public static func metricsProvider(meshProvider: String, canary: Canary) -> String {
        var provider = meshProvider.contains("crossover") ? "crossover" : meshProvider
        if let p = canary.spec.provider, !p.isEmpty {
            provider = meshProvider.contains("linkerd") ? "linkerd" : p
        }
        let apiVersion = canary.spec.targetRef.apiVersion ?? ""
        if canary.spec.targetRef.kind == "Service" && !apiVersion.hasPrefix("serving.knative.dev") {
            provider += ":service"
        }
        return provider
    }

    /// The observer Flagger picks for a metrics provider string; anything unmatched is Istio.
    public static func forProvider(_ p: String) -> Observer {
        if p.hasPrefix("appmesh") { return .appmesh }
        if p.hasPrefix("gloo") { return .gloo }
        if p.hasPrefix("gatewayapi") { return .http }
        switch p {
        case "linkerd": return .linkerd
        case "istio": return .istio
        case "contour": return .contour
        case "nginx": return .nginx
        case "kubernetes": return .http
        case "skipper": return .skipper
        case "traefik": return .traefik
        case "osm": return .osm
        case "kuma": return .kuma
        case "apisix": return .apisix
        case "knative": return .knative
        default: return .istio
        }
    }

    /// Multiplier from the query's value to milliseconds for `request-duration` (the generic HTTP observer's
    /// histogram is in seconds; every other query already yields milliseconds).
    public var durationScaleToMilliseconds: Double { self == .http ? 1000 : 1 }

    /// The success-rate query (a percentage), rendered for `model`.
    public func successRateQuery(_ model: MetricTemplateModel) throws(QueryTemplateError) -> String {
        if self == .skipper { return Self.skipper(model, duration: false) }
        return try QueryTemplate.render(Self.templates[self]?.successRate ?? "", model: model)
    }

    /// The request-duration query, rendered for `model`.
    public func durationQuery(_ model: MetricTemplateModel) throws(QueryTemplateError) -> String {
        if self == .skipper { return Self.skipper(model, duration: true) }
        return try QueryTemplate.render(Self.templates[self]?.duration ?? "", model: model)
    }

    /// Skipper's queries select routes by a pattern built from the model with every non-word character
    /// replaced by `_` (Skipper's route naming).
    static func skipper(_ model: MetricTemplateModel, duration: Bool) -> String {
        func word(_ s: String) -> String {
            String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        }
        let route = "kube(ew)?_\(word(model.namespace))__\(word(model.ingress))_canary__.*__\(word(model.service))_canary(_[0-9]+)?"
        let i = model.interval
        if duration {
            return #"sum(rate(skipper_serve_route_duration_seconds_sum{route=~"\#(route)"}[\#(i)])) / "#
                + #"sum(rate(skipper_serve_route_duration_seconds_count{route=~"\#(route)"}[\#(i)])) * 1000"#
        }
        return #"sum(rate(skipper_response_duration_seconds_bucket{route=~"\#(route)",code!~"5..",le="+Inf"}[\#(i)])) / "#
            + #"sum(rate(skipper_response_duration_seconds_bucket{route=~"\#(route)",le="+Inf"}[\#(i)])) * 100"#
    }

    /// Flagger's query templates with white space folded.
    static let templates: [Observer: (successRate: String, duration: String)] = [
        .istio: (
            #"sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}", response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( istio_request_duration_milliseconds_bucket{ reporter="destination", destination_workload_namespace="{{ namespace }}", destination_workload=~"{{ target }}" }[{{ interval }}] ) ) by (le) )"#
        ),
        .linkerd: (
            #"sum( rate( response_total{ namespace="{{ namespace }}", deployment=~"{{ target }}", classification!="failure", direction="inbound" }[{{ interval }}] ) ) / sum( rate( response_total{ namespace="{{ namespace }}", deployment=~"{{ target }}", direction="inbound" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( response_latency_ms_bucket{ namespace="{{ namespace }}", deployment=~"{{ target }}", direction="inbound" }[{{ interval }}] ) ) by (le) )"#
        ),
        .appmesh: (
            #"sum( rate( envoy_cluster_upstream_rq{ kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)", envoy_response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( envoy_cluster_upstream_rq{ kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)" }[{{ interval }}] ) ) by (le) )"#
        ),
        .contour: (
            #"sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"{{ namespace }}_{{ service }}-canary_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) by (le) )"#
        ),
        .gloo: (
            #"sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"{{ namespace }}-{{ target }}-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) by (le) )"#
        ),
        .nginx: (
            #"sum( rate( nginx_ingress_controller_requests{ namespace="{{ namespace }}", ingress="{{ ingress }}", canary!="", status!~"5.*" }[{{ interval }}] ) ) / sum( rate( nginx_ingress_controller_requests{ namespace="{{ namespace }}", ingress="{{ ingress }}", canary!="" }[{{ interval }}] ) ) * 100"#,
            #"sum( rate( nginx_ingress_controller_response_duration_seconds_sum{ namespace="{{ namespace }}", ingress="{{ ingress }}", canary!="" }[{{ interval }}] ) ) / sum( rate( nginx_ingress_controller_response_duration_seconds_count{ namespace="{{ namespace }}", ingress="{{ ingress }}", canary!="" }[{{ interval }}] ) ) * 1000"#
        ),
        .http: (
            #"sum( rate( http_request_duration_seconds_count{ kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)", status!~"5.*" }[{{ interval }}] ) ) / sum( rate( http_request_duration_seconds_count{ kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( http_request_duration_seconds_bucket{ kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)" }[{{ interval }}] ) ) by (le) )"#
        ),
        .traefik: (
            #"sum( rate( traefik_service_request_duration_seconds_bucket{ service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd", code!~"5..", le="+Inf" }[{{ interval }}] ) ) / sum( rate( traefik_service_request_duration_seconds_bucket{ service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd", le="+Inf" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( traefik_service_request_duration_seconds_bucket{ service=~"{{ namespace }}-{{ target }}-canary-[0-9a-zA-Z-]+@kubernetescrd" }[{{ interval }}] ) ) by (le) ) * 1000"#
        ),
        .osm: (
            #"sum( rate( osm_request_total{ destination_namespace="{{ namespace }}", destination_kind="Deployment", destination_name="{{ target }}", response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( osm_request_total{ destination_namespace="{{ namespace }}", destination_kind="Deployment", destination_name="{{ target }}" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( osm_request_duration_ms_bucket{ destination_namespace="{{ namespace }}", destination_kind="Deployment", destination_name="{{ target }}" }[{{ interval }}] ) ) by (le) )"#
        ),
        .kuma: (
            #"sum( rate( envoy_cluster_upstream_rq{ service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+", envoy_response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( envoy_cluster_upstream_rq{ service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ service=~"{{ target }}-canary_{{ namespace }}_svc_[0-9a-zA-Z-]+", }[{{ interval }}] ) ) by (le) )"#
        ),
        .apisix: (
            #"sum( rate( apisix_http_status{ route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+", code!~"5.." }[{{ interval }}] ) ) / sum( rate( apisix_http_status{ route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+" }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( apisix_http_latency_bucket{ type=~"request", route=~"{{ namespace }}_{{ route }}-{{ target }}-canary_.+" }[{{ interval }}] ) ) by (le) )"#
        ),
        .knative: (
            #"sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}/{{ route }}", envoy_response_code!~"5.*" }[{{ interval }}] ) ) / sum( rate( envoy_cluster_upstream_rq{ envoy_cluster_name=~"{{ namespace }}/{{ route }}", }[{{ interval }}] ) ) * 100"#,
            #"histogram_quantile( 0.99, sum( rate( envoy_cluster_upstream_rq_time_bucket{ envoy_cluster_name=~"{{ namespace }}/{{ route }}", }[{{ interval }}] ) ) by (le) )"#
        ),
    ]
}
