import Foundation
import Resources

/// A MetricTemplate resolved for one metric: the template, its namespace, and a provider built with its credentials.
struct ResolvedMetricTemplate {
    /// The template.
    let template: MetricTemplate
    /// The template's namespace (the reference's, else the canary's).
    let namespace: String
    /// The provider, with the secret's credentials.
    let provider: any MetricProvider
    /// Masks the credentials in any text about this provider.
    let redactor: SecretRedactor
}

extension Analyzer {
    /// Looks up a metric's template and its secret and builds the provider, from the run's observed objects.
    ///
    /// On failure, the text after "metric template " of Flagger's message (`<name>.<ns> error: …`), credentials
    /// masked; callers put their own prefix in front.
    func resolveTemplate(_ ref: NamespacedName, metric: CanaryMetric, canary: Canary)
        -> Result<ResolvedMetricTemplate, TemplateResolutionError>
    {
        let ns = (ref.namespace?.isEmpty == false ? ref.namespace : nil) ?? canary.namespace
        guard let template = objects.metricTemplate(namespace: ns, name: ref.name) else {
            return .failure(.init("\(ref.name).\(ns) error: metrictemplate.flagger.app \"\(ref.name)\" not found"))
        }
        let spec = template.spec.provider
        var credentials: [String: Data]?
        if let secretRef = spec.secretRef {
            guard let data = objects.secretData(namespace: ns, name: secretRef.name) else {
                return .failure(.init(
                    "\(ref.name).\(ns) secret \(secretRef.name) error: secret \"\(secretRef.name)\" not found"))
            }
            credentials = data
        }
        let settings = MetricTemplateProviderSettings(
            type: spec.type, address: spec.address ?? "", headers: spec.headers,
            insecureSkipVerify: spec.insecureSkipVerify ?? false, credentials: credentials)
        let redactor = settings.redactor
        do {
            let provider = try MetricProviderFactory.make(
                settings: settings, interval: metric.effectiveInterval, client: client,
                timeout: configuration.queryTimeout)
            return .success(ResolvedMetricTemplate(template: template, namespace: ns, provider: provider, redactor: redactor))
        } catch {
            return .failure(.init(redactor.redact("\(ref.name).\(ns) provider \(spec.type) error: \(error)")))
        }
    }
}

/// Why a metric's template could not be resolved (the text after "metric template ").
struct TemplateResolutionError: Error {
    let detail: String
    init(_ detail: String) { self.detail = detail }
}
