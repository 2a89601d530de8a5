import Foundation
import KubeAPI
import Logging
import Resources

/// Sends a canary's alerts to its AlertProviders (or to the global target) with Flagger's routing (§8.2).
///
/// Routing: without `analysis.alerts` every alert goes to the global target (if configured). Otherwise an
/// entry receives an alert when its severity is `info` (everything), equals the alert's, or is `warn` for an
/// `error` alert. **An entry without `severity` means `info`** — Flagger's docs say so but its code sends such
/// entries nothing (§10.22); GitCanary implements the documented behaviour.
public struct AlertNotifier: Sendable {
    /// Transport.
    public let client: any HTTPClient
    /// AlertProviders and Secrets of the run.
    public let objects: any AnalysisObjects
    /// `--cluster-name`.
    public let clusterName: String?
    /// The global target.
    public let global: GlobalAlertTarget?
    /// Per-post timeout (Flagger: 5 s).
    public let timeout: Duration
    /// The run's budget.
    public let deadline: Deadline
    /// Logger (never addresses or tokens).
    public let logger: Logger
    /// `false` in read-only runs: nothing is sent.
    public let sends: Bool

    /// Creates a notifier.
    public init(
        client: any HTTPClient, objects: any AnalysisObjects, clusterName: String? = nil,
        global: GlobalAlertTarget? = nil, timeout: Duration = .seconds(5), deadline: Deadline = .unbounded,
        logger: Logger = Logger(label: "gitcanary.alerts"), sends: Bool = true
    ) {
        self.sends = sends
        self.client = client
        self.objects = objects
        self.clusterName = clusterName
        self.global = global
        self.timeout = timeout
        self.deadline = deadline
        self.logger = logger
    }

    /// Whether an alert entry receives an alert of `severity`.
    public static func receives(entry: CanaryAlert, severity: AlertSeverity) -> Bool {
        let entrySeverity = AlertSeverity(rawValue: entry.severity ?? "") ?? .info
        if entrySeverity == .info { return true }
        if entrySeverity == severity { return true }
        return severity == .error && entrySeverity == .warn
    }

    /// Sends `alert` for `canary`; one delivery per recipient tried.
    public func send(_ alert: Alert, for canary: Canary) async -> [AlertDelivery] {
        guard sends else { return [] }
        let fields = AlertPayloads.fields(for: canary, alert: alert, clusterName: clusterName)
        let entries = canary.effectiveAnalysis?.alerts ?? []
        guard !entries.isEmpty else {
            guard let global else { return [] }
            let d = await post(
                type: global.type, address: global.url, token: global.token, proxy: global.proxy,
                username: global.username, channel: global.channel, recipient: "global \(global.type)",
                canary: canary, alert: alert, fields: fields)
            return [d]
        }
        var deliveries: [AlertDelivery] = []
        for entry in entries where Self.receives(entry: entry, severity: alert.severity) {
            let ns = (entry.providerRef.namespace?.isEmpty == false ? entry.providerRef.namespace : nil) ?? canary.namespace
            let recipient = "\(entry.providerRef.name).\(ns)"
            guard let provider = objects.alertProvider(namespace: ns, name: entry.providerRef.name) else {
                deliveries.append(fail(recipient, "", "alert provider \(recipient) error: alertprovider.flagger.app \"\(entry.providerRef.name)\" not found", canary))
                continue
            }
            var address = provider.spec.address ?? ""
            var token: String?
            if let secretRef = provider.spec.secretRef {
                guard let data = objects.secretData(namespace: ns, name: secretRef.name) else {
                    deliveries.append(fail(recipient, provider.spec.type, "alert provider \(recipient) secretRef error: secret \"\(secretRef.name)\" not found", canary))
                    continue
                }
                guard let a = data.text("address") else {
                    deliveries.append(fail(recipient, provider.spec.type, "alert provider \(recipient) secret does not contain an address", canary))
                    continue
                }
                address = a
                token = data.text("token")
            }
            let username = provider.spec.username.flatMap { $0.isEmpty ? nil : $0 } ?? "flagger"
            let channel = provider.spec.channel.flatMap { $0.isEmpty ? nil : $0 } ?? "general"
            deliveries.append(
                await post(
                    type: provider.spec.type, address: address, token: token, proxy: provider.spec.proxy,
                    username: username, channel: channel, recipient: recipient, canary: canary, alert: alert,
                    fields: fields))
        }
        return deliveries
    }

    func fail(_ recipient: String, _ type: String, _ message: String, _ canary: Canary) -> AlertDelivery {
        logger.error("\(message)", metadata: ["canary": "\(canary.name).\(canary.namespace)"])
        return AlertDelivery(recipient: recipient, type: type, delivered: false, message: message)
    }

    func post(
        type: String, address: String, token: String?, proxy: String?, username: String, channel: String,
        recipient: String, canary: Canary, alert: Alert, fields: [AlertField]
    ) async -> AlertDelivery {
        // The address of a chat webhook is itself a credential (its path holds the key): mask it whole and in parts.
        var redactor = SecretRedactor([address])
        if let c = URLComponents(string: address) {
            redactor.add(c.percentEncodedPath)
            redactor.add(c.path)
            if let q = c.percentEncodedQuery { redactor.add(q) }
        }
        if let token { redactor.add(token) }
        guard AlertProviderSpec.knownTypes.contains(type),
            let body = AlertPayloads.payload(
                type: type, canary: canary, message: alert.message, fields: fields, severity: alert.severity,
                username: username, channel: channel)
        else {
            return fail(recipient, type, "alert provider \(recipient) error: Notifier \(type) not implemented", canary)
        }
        guard URLText.isValidHTTP(address) else {
            return fail(recipient, type, "alert provider \(recipient) error: invalid \(type) hook URL", canary)
        }
        if deadline.isExpired {
            return fail(recipient, type, "alert to \(recipient) not sent: the run's time budget ended", canary)
        }
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let token, !token.isEmpty, AlertPayloads.sendsToken(type: type) {
            headers.append(HTTPHeader("Authorization", "Bearer " + token))
        }
        let request = HTTPRequest(
            method: "POST", url: AlertPayloads.postURL(type: type, address: address), headers: headers,
            body: Data(JSONWriter.bytes(body)), timeout: deadline.cap(timeout).timeout,
            proxy: proxy.flatMap { $0.isEmpty ? nil : $0 })
        do {
            let response = try await client.send(request)
            guard (200..<300).contains(response.status) else {
                let text = redactor.redact(HTTPStatusText.bodySnippet(response.body))
                return fail(
                    recipient, type,
                    "alert provider \(recipient) send error: sending notification bad response \(response.status): \(text)",
                    canary)
            }
            return AlertDelivery(recipient: recipient, type: type, delivered: true, message: "sent to \(recipient) (\(type))")
        } catch {
            return fail(
                recipient, type,
                "alert provider \(recipient) send error: sending notification failed to send: \(redactor.redact(error.message))",
                canary)
        }
    }
}

extension Analyzer {
    /// An alert notifier sharing this run's transport, objects, budget and settings.
    public var alertNotifier: AlertNotifier {
        AlertNotifier(
            client: client, objects: objects, clusterName: configuration.clusterName, global: configuration.globalAlert,
            timeout: configuration.alertTimeout, deadline: deadline, logger: logger,
            sends: configuration.callsWebhooks)
    }
}
