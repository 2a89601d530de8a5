import Analysis
import ArgumentParser
import Foundation
import GitSource
import KubeAPI
import Logging
import Planner
import Reconciler
import Resources

/// The options of `reconcile` and `plan` (architecture "The command line"): each also read from a
/// `GITCANARY_<NAME>` environment variable. Secrets (Git credentials, Slack/Teams URLs) come only from files or the
/// environment.
struct RunOptions: ParsableArguments {
    @OptionGroup var git: GitOptions
    @OptionGroup var kube: KubeOptions

    @Option(name: .customLong("selector"), help: "Label selector of the canaries to handle. Env: GITCANARY_SELECTOR.")
    var selectorFlag: String?
    /// `--selector`, else its environment variable.
    var selector: String? { selectorFlag ?? EnvironmentDefault.string("SELECTOR") }
    @Option(name: .customLong("shard"), help: "This run's shard INDEX/COUNT (default: JOB_COMPLETION_INDEX of an Indexed Job with GITCANARY_SHARD_COUNT, else 0/1). Env: GITCANARY_SHARD.")
    var shardFlag: String?
    /// `--shard`, else its environment variable.
    var shard: String? { shardFlag ?? EnvironmentDefault.string("SHARD") }
    @Option(help: "Prometheus URL of builtin metrics. Env: GITCANARY_METRICS_SERVER.")
    var metricsServer: String = EnvironmentDefault.string("METRICS_SERVER", default: "http://prometheus:9090")
    @Option(name: .customLong("max-progressing"), help: "At most N canaries in an analysis at once (approximate across shards). Env: GITCANARY_MAX_PROGRESSING.")
    var maxProgressingFlag: Int?
    /// `--max-progressing`, else its environment variable.
    var maxProgressing: Int? { maxProgressingFlag ?? EnvironmentDefault.string("MAX_PROGRESSING").flatMap(Int.init) }
    @Option(name: .customLong("now"), help: "The run's analysis clock as RFC 3339 (simulation and tests; default: the API server's clock). Env: GITCANARY_NOW.")
    var nowFlag: String?
    /// `--now`, else its environment variable.
    var now: String? { nowFlag ?? EnvironmentDefault.string("NOW") }
    @Option(help: "The run's time budget in seconds. Env: GITCANARY_BUDGET.")
    var budget: Double = Double(EnvironmentDefault.string("BUDGET", default: "120")) ?? 120
    @Flag(inversion: .prefixedNo, help: "Delete objects GitCanary applied that left Git (shard 0 only). Env: GITCANARY_PRUNE.")
    var prune: Bool = EnvironmentDefault.bool("PRUNE", default: false)
    @Option(help: "Seconds to wait for a Lease another run holds before exiting 0. Env: GITCANARY_LEASE_WAIT.")
    var leaseWait: Double = Double(EnvironmentDefault.string("LEASE_WAIT", default: "30")) ?? 30
    @Option(help: "Lease duration in seconds (renewed while the run works). Env: GITCANARY_LEASE_DURATION.")
    var leaseDuration: Double = Double(EnvironmentDefault.string("LEASE_DURATION", default: "15")) ?? 15
    @Option(help: "Namespace of the Lease and the inventory. Env: GITCANARY_SYSTEM_NAMESPACE.")
    var systemNamespace: String = EnvironmentDefault.string("SYSTEM_NAMESPACE", default: "gitcanary-system")
    @Option(name: .customLong("source-name"), help: "The gitcanary.dev/source label value (default: from the repository and path). Env: GITCANARY_SOURCE_NAME.")
    var sourceNameFlag: String?
    /// `--source-name`, else its environment variable.
    var sourceName: String? { sourceNameFlag ?? EnvironmentDefault.string("SOURCE_NAME") }
    @Flag(inversion: .prefixedNo, help: "Remember idle canaries' plans in the cache directory and reuse them while nothing they read changed. Env: GITCANARY_PLAN_MEMO.")
    var planMemo: Bool = EnvironmentDefault.bool("PLAN_MEMO", default: true)
    @Option(help: "Canaries planned and applied at once. Env: GITCANARY_CONCURRENCY.")
    var concurrency: Int = EnvironmentDefault.int("CONCURRENCY", default: 4)

    @Option(help: "Provider of canaries without spec.provider (Flagger's -mesh-provider). Env: GITCANARY_MESH_PROVIDER.")
    var meshProvider: String = EnvironmentDefault.string("MESH_PROVIDER", default: "istio")
    @Option(help: "Selector label keys, comma-separated. Env: GITCANARY_SELECTOR_LABELS.")
    var selectorLabels: String = EnvironmentDefault.string("SELECTOR_LABELS", default: "app,name,app.kubernetes.io/name")
    @Option(help: "Label/annotation prefixes copied to primaries, comma-separated. Env: GITCANARY_INCLUDE_LABEL_PREFIX.")
    var includeLabelPrefix: String = EnvironmentDefault.string("INCLUDE_LABEL_PREFIX", default: "")
    @Option(help: "Track ConfigMaps and Secrets (true|false). Env: GITCANARY_ENABLE_CONFIG_TRACKING.")
    var enableConfigTracking: Bool = EnvironmentDefault.bool("ENABLE_CONFIG_TRACKING", default: true)
    @Option(help: "NGINX annotation prefix. Env: GITCANARY_INGRESS_ANNOTATIONS_PREFIX.")
    var ingressAnnotationsPrefix: String = EnvironmentDefault.string("INGRESS_ANNOTATIONS_PREFIX", default: "nginx.ingress.kubernetes.io")
    @Option(help: "Contour ingress class. Env: GITCANARY_INGRESS_CLASS.")
    var ingressClass: String = EnvironmentDefault.string("INGRESS_CLASS", default: "")
    @Flag(help: "Reject references to other namespaces. Env: GITCANARY_NO_CROSS_NAMESPACE_REFS.")
    var noCrossNamespaceRefs: Bool = EnvironmentDefault.bool("NO_CROSS_NAMESPACE_REFS", default: false)
    @Option(help: "Cluster name added to alerts. Env: GITCANARY_CLUSTER_NAME.")
    var clusterName: String = EnvironmentDefault.string("CLUSTER_NAME", default: "")
    @Option(name: .customLong("event-webhook"), help: "Webhook receiving every event of canaries without an event hook. Env: GITCANARY_EVENT_WEBHOOK.")
    var eventWebhookFlag: String?
    /// `--event-webhook`, else its environment variable.
    var eventWebhook: String? { eventWebhookFlag ?? EnvironmentDefault.string("EVENT_WEBHOOK") }

    @Option(help: "Output: text or json. Env: GITCANARY_OUTPUT.")
    var output: ReportFormat = ReportFormat(rawValue: EnvironmentDefault.string("OUTPUT", default: "text")) ?? .text
    @Option(name: .customLong("summary-file"), help: "Write a Markdown summary (for CI job pages) to this file. Env: GITCANARY_SUMMARY_FILE.")
    var summaryFileFlag: String?
    /// `--summary-file`, else its environment variable.
    var summaryFile: String? { summaryFileFlag ?? EnvironmentDefault.string("SUMMARY_FILE") }
    @Option(name: .customLong("pushgateway"), help: "Push metrics to this Prometheus Pushgateway URL. Env: GITCANARY_PUSHGATEWAY.")
    var pushgatewayFlag: String?
    /// `--pushgateway`, else its environment variable.
    var pushgateway: String? { pushgatewayFlag ?? EnvironmentDefault.string("PUSHGATEWAY") }
    @Option(name: .customLong("metrics-file"), help: "Write metrics in Prometheus text format to this file. Env: GITCANARY_METRICS_FILE.")
    var metricsFileFlag: String?
    /// `--metrics-file`, else its environment variable.
    var metricsFile: String? { metricsFileFlag ?? EnvironmentDefault.string("METRICS_FILE") }
    @Flag(help: "Exit 3 when a canary failed (rolled back) in this run. Env: GITCANARY_FAIL_ON_ROLLBACK.")
    var failOnRollback: Bool = EnvironmentDefault.bool("FAIL_ON_ROLLBACK", default: false)
    @Option(help: "Log level: trace, debug, info, warning, error. Env: GITCANARY_LOG_LEVEL.")
    var logLevel: String = EnvironmentDefault.string("LOG_LEVEL", default: "warning")
    @Option(help: "Log format on stderr: auto (text on a terminal, else json), text or json. Env: GITCANARY_LOG_FORMAT.")
    var logFormat: String = EnvironmentDefault.string("LOG_FORMAT", default: "auto")

    /// Usage errors (exit 64) found at parse time, before any configuration is loaded.
    func validate() throws {
        _ = try resolvedShard()
        if let now, RFC3339.parse(now) == nil { throw ValidationError("--now must be an RFC 3339 time, got \(now)") }
        if let maxProgressing, maxProgressing < 1 { throw ValidationError("--max-progressing must be at least 1") }
        if budget <= 0 { throw ValidationError("--budget must be positive") }
        if !["auto", "text", "json"].contains(logFormat) { throw ValidationError("--log-format must be auto, text or json") }
    }

    /// The plan memo of this API server, source, shard and canary selection, beside the Git cache.
    func planMemoLocation(cacheDirectory: String, server: String) throws -> PlanMemoLocation {
        let scope = [server, sourceName ?? ReconcileOptions.sourceName(repository: git.repo ?? "", path: git.path),
                     try resolvedShard().description, kube.allNamespaces ? "-A" : (kube.namespace ?? EnvironmentDefault.string("NAMESPACE") ?? ""),
                     selector ?? ""].joined(separator: "\u{0}")
        let name = String(SHA256.hex(Array(scope.utf8)).prefix(32))
        return PlanMemoLocation(directory: "\(cacheDirectory)/memo", name: name, salt: GitCanaryVersion.string)
    }

    /// Parses `INDEX/COUNT`, or the Indexed Job's `JOB_COMPLETION_INDEX` with `GITCANARY_SHARD_COUNT`.
    func resolvedShard() throws -> SyncShard {
        if let shard {
            let parts = shard.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let i = parts[0], let c = parts[1], c >= 1, i >= 0, i < c else {
                throw ValidationError("--shard must be INDEX/COUNT with 0 <= INDEX < COUNT, got \(shard)")
            }
            return SyncShard(index: i, count: c)
        }
        let env = ProcessInfo.processInfo.environment
        if let i = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            let c = EnvironmentDefault.int("SHARD_COUNT", default: 1)
            return SyncShard(index: i, count: c)
        }
        return .single
    }

    /// The run's options.
    func reconcileOptions(mode: RunMode, client: KubeClient) throws -> ReconcileOptions {
        var nowDate: Date? = nil
        if let now {
            guard let d = RFC3339.parse(now) else { throw ValidationError("--now must be an RFC 3339 time, got \(now)") }
            nowDate = d
        }
        func list(_ s: String) -> [String] { s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let env = ProcessInfo.processInfo.environment
        let planner = PlannerSettings(
            meshProvider: meshProvider, selectorLabels: list(selectorLabels), includeLabelPrefix: list(includeLabelPrefix),
            configTracking: enableConfigTracking, noCrossNamespaceRefs: noCrossNamespaceRefs, clusterName: clusterName,
            ingressAnnotationsPrefix: ingressAnnotationsPrefix, ingressClass: ingressClass,
            specHasher: SHA256SpecHasher(), configHasher: FlaggerConfigChecksum())
        let analysis = AnalyzerConfiguration(
            metricsServer: metricsServer, meshProvider: meshProvider, eventWebhook: eventWebhook,
            clusterName: clusterName.isEmpty ? nil : clusterName,
            globalAlert: GlobalAlertTarget.fromFlags(
                slackURL: env["GITCANARY_SLACK_URL"], slackToken: env["GITCANARY_SLACK_TOKEN"],
                slackProxy: env["GITCANARY_SLACK_PROXY_URL"], slackUser: env["GITCANARY_SLACK_USER"],
                slackChannel: env["GITCANARY_SLACK_CHANNEL"], msteamsURL: env["GITCANARY_MSTEAMS_URL"],
                msteamsProxy: env["GITCANARY_MSTEAMS_PROXY_URL"]))
        let explicitNamespace = kube.namespace ?? EnvironmentDefault.string("NAMESPACE")
        return ReconcileOptions(
            mode: mode, namespace: explicitNamespace, allNamespaces: kube.allNamespaces,
            defaultNamespace: client.configuration.namespace, selector: selector, shard: try resolvedShard(), prune: prune,
            sourceName: sourceName ?? ReconcileOptions.sourceName(repository: git.repo ?? "", path: git.path),
            systemNamespace: systemNamespace, maxProgressing: maxProgressing, now: nowDate,
            budget: .milliseconds(Int64(budget * 1000)), leaseWait: .milliseconds(Int64(leaseWait * 1000)),
            leaseDuration: .milliseconds(Int64(leaseDuration * 1000)), concurrency: concurrency, planner: planner,
            analysis: analysis)
    }

    /// The run's environment: Git source, Kubernetes client, HTTP client.
    func environment(logger: Logger) throws -> ReconcileEnvironment {
        guard git.repo != nil else { throw ValidationError("--repo (or GITCANARY_REPO) is required") }
        let client = try kube.makeClient(logger: logger)
        do {
            let source = try git.source()
            var environment = ReconcileEnvironment(source: source, client: client, http: try CurlHTTPClient(), logger: logger)
            environment.keepUntilExit = { ExitArena.keep($0) }
            if planMemo { environment.planMemo = try planMemoLocation(cacheDirectory: source.cacheDirectory, server: client.configuration.server) }
            return environment
        } catch let error as GitSourceError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        } catch let error as TransportError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `--output` formats.
enum ReportFormat: String, ExpressibleByArgument, Sendable, CaseIterable { case text, json }

