import Foundation
import KubeAPI
import Logging
import Resources

/// Evaluates a canary's metric checks, calls its webhooks and checks its providers, for one run.
///
/// Built once per run with the run's ``Deadline``; time (`now`) is passed into every call, never read. Every
/// outcome is a ``Resources/CheckRecord`` whose message is safe to store and print (no secret values).
/// The three entry points match the Planner's analysis protocol one to one.
public struct Analyzer: Sendable {
    /// The HTTP transport (libcurl in production, a scripted double in unit tests).
    public let client: any HTTPClient
    /// Run-wide settings.
    public let configuration: AnalyzerConfiguration
    /// MetricTemplates, AlertProviders and Secrets as observed this run.
    public let objects: any AnalysisObjects
    /// The run's time budget.
    public let deadline: Deadline
    /// Where decisions are logged (never secret values).
    public let logger: Logger

    /// Creates an analyzer.
    public init(
        client: any HTTPClient, configuration: AnalyzerConfiguration = AnalyzerConfiguration(),
        objects: any AnalysisObjects, deadline: Deadline = .unbounded,
        logger: Logger = Logger(label: "gitcanary.analysis")
    ) {
        self.client = client
        self.configuration = configuration
        self.objects = objects
        self.deadline = deadline
        self.logger = logger
    }

    /// The message of a check the run's budget cut short.
    static func budgetMessage(_ what: String) -> String {
        "Not done: the run's time budget ended before \(what) finished; the next run asks again"
    }

    /// The Prometheus used for builtin and inline metrics of a canary.
    func builtinProvider(for canary: Canary) throws(MetricQueryError) -> PrometheusProvider {
        let server = (canary.spec.metricsServer?.isEmpty == false ? canary.spec.metricsServer : nil)
            ?? configuration.metricsServer
        let settings = MetricTemplateProviderSettings(
            type: "prometheus", address: server,
            insecureSkipVerify: configuration.metricsServerInsecureSkipVerify)
        do {
            return try PrometheusProvider(settings: settings, client: client, timeout: configuration.queryTimeout)
        } catch {
            throw .configuration("Error building Prometheus client for \(URLText.display(server)) \(error)")
        }
    }

    /// Log metadata naming the canary.
    func logMetadata(_ canary: Canary) -> Logger.Metadata {
        ["canary": "\(canary.name).\(canary.namespace)"]
    }
}
