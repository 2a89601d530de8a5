import Analysis
import Foundation
import GitSource
import KubeAPI
import Logging
import Planner

/// What a run does: `reconcile` writes, `plan` only reads (no writes, no webhook calls, no Lease).
public enum RunMode: String, Sendable, Hashable, Codable {
    /// Sync Git, advance each due canary one step, report.
    case reconcile
    /// The same run, read-only.
    case plan
}

/// The options of one run (already parsed and resolved by the CLI).
public struct ReconcileOptions: Sendable {
    /// Reconcile or plan.
    public var mode: RunMode
    /// Canary namespace scope: `nil` for the namespaces of the canaries declared in Git (or the default
    /// namespace when Git declares none); a namespace; or every namespace with ``allNamespaces``.
    public var namespace: String?
    /// Observe canaries cluster-wide (`-A`).
    public var allNamespaces: Bool
    /// The namespace of objects that declare none (the kubeconfig's namespace).
    public var defaultNamespace: String
    /// Label selector of the canaries this run handles (`--selector`).
    public var selector: String?
    /// `--shard INDEX/COUNT`.
    public var shard: SyncShard
    /// `--prune`: delete objects GitCanary applied that left Git (shard 0 only).
    public var prune: Bool
    /// The `gitcanary.dev/source` label value.
    public var sourceName: String
    /// Namespace of the inventory and the Lease.
    public var systemNamespace: String
    /// `--max-progressing N`: at most N canaries in an analysis at once (nil: no limit).
    public var maxProgressing: Int?
    /// `--now`: the analysis clock (default: the API server's clock).
    public var now: Date?
    /// `--budget`: the run's time budget.
    public var budget: Duration
    /// `--lease-wait`: how long to wait for a Lease another run holds.
    public var leaseWait: Duration
    /// `--lease-duration`.
    public var leaseDuration: Duration
    /// This run's Lease identity.
    public var identity: String
    /// Canaries planned and applied at once.
    public var concurrency: Int
    /// Controller settings (Flagger's flags).
    public var planner: PlannerSettings
    /// Analysis settings (`--metrics-server`, `--event-webhook`, alert targets, ...).
    public var analysis: AnalyzerConfiguration
    /// How long the sync waits for new CRDs and Namespaces.
    public var definitionTimeout: Duration

    /// Creates options with defaults.
    public init(
        mode: RunMode = .reconcile, namespace: String? = nil, allNamespaces: Bool = false, defaultNamespace: String = "default",
        selector: String? = nil, shard: SyncShard = .single, prune: Bool = false, sourceName: String = "default",
        systemNamespace: String = "gitcanary-system", maxProgressing: Int? = nil, now: Date? = nil,
        budget: Duration = Deadline.defaultRunBudget, leaseWait: Duration = .seconds(30), leaseDuration: Duration = .seconds(15),
        identity: String = ReconcileOptions.defaultIdentity(), concurrency: Int = 4, planner: PlannerSettings = PlannerSettings(),
        analysis: AnalyzerConfiguration = AnalyzerConfiguration(), definitionTimeout: Duration = .seconds(60)
    ) {
        self.mode = mode
        self.namespace = namespace
        self.allNamespaces = allNamespaces
        self.defaultNamespace = defaultNamespace
        self.selector = selector
        self.shard = shard
        self.prune = prune
        self.sourceName = sourceName
        self.systemNamespace = systemNamespace
        self.maxProgressing = maxProgressing
        self.now = now
        self.budget = budget
        self.leaseWait = leaseWait
        self.leaseDuration = leaseDuration
        self.identity = identity
        self.concurrency = max(1, concurrency)
        self.planner = planner
        self.analysis = analysis
        self.definitionTimeout = definitionTimeout
    }

    /// `host-pid-random`.
    public static func defaultIdentity() -> String {
        let host = ProcessInfo.processInfo.hostName
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }

    /// A label-safe source name from a repository URL or path and a path inside it (`podinfo-istio`).
    public static func sourceName(repository: String, path: String) -> String {
        let base = (repository as NSString).lastPathComponent.replacingOccurrences(of: ".git", with: "")
        var raw = base
        let p = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !p.isEmpty && p != "." { raw += "-" + p.replacingOccurrences(of: "/", with: "-") }
        let allowed = raw.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "-" }
        var s = String(allowed.prefix(63))
        while let f = s.first, !(f.isLetter || f.isNumber) { s.removeFirst() }
        while let l = s.last, !(l.isLetter || l.isNumber) { s.removeLast() }
        return s.isEmpty ? "default" : s
    }
}

/// What a run works with: the Git source, the Kubernetes client, the HTTP client of the analysis, the logger.
public struct ReconcileEnvironment: Sendable {
    /// The repository.
    public var source: GitSource
    /// The API server.
    public var client: KubeClient
    /// Transport for metric queries, webhooks and alerts.
    public var http: any HTTPClient
    /// The logger (bootstrapped by the CLI).
    public var logger: Logger
    /// Where a run hands its largest structures (the cluster's observation and the plans) when it ends, instead of
    /// releasing them; `nil` (the default) releases them as usual. A process that exits right after the run need not
    /// free them: the CLI keeps them until exit (freeing the trees of ten thousand objects took about 0.1 s of a
    /// 1.1 s no-op run at 1,000 canaries), as compilers skip freeing their heap before exiting.
    public var keepUntilExit: (@Sendable (any Sendable) -> Void)?
    /// Where idle canaries' plans are remembered between runs (``PlanMemoLocation``); `nil` (the default) plans every
    /// canary every run.
    public var planMemo: PlanMemoLocation?
    /// Creates an environment.
    public init(source: GitSource, client: KubeClient, http: any HTTPClient, logger: Logger) {
        self.source = source
        self.client = client
        self.http = http
        self.logger = logger
    }
}
