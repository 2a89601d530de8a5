import Analysis
import Foundation
import GitSource
import HTTPServer
import KubeAPI
import Logging
import Resources
import Synchronization
import Testing
import TestSupport

/// Planted credentials against servers that echo every header back in their error bodies: KubeAPI errors,
/// GitSource errors and alert deliveries name the server and the failure, never the secret, and neither do the
/// logs (trace level).
@Suite("Secret hygiene of the libraries")
struct SecretHygieneLibraryTests {
    static func echoServer() throws -> AnalysisLoopbackReceiver {
        try AnalysisLoopbackReceiver { req, _ in
            let headers = req.headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
            let status: JSONValue = [
                "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
                "message": .string("denied \(req.target) with \(headers)"),
            ]
            return .json(JSONWriter.bytes(status), status: 403)
        }
    }

    static func leaks(_ text: String, _ secrets: [String]) -> [String] {
        secrets.flatMap { [$0, Data($0.utf8).base64EncodedString()] }.filter { text.contains($0) }
    }

    @Test("KubeAPI: a kubeconfig token and client key stay out of errors and logs, even when the server echoes them")
    func kubeAPI() async throws {
        let id = UUID().uuidString.lowercased()
        let token = "planted-kube-token-\(id)"
        let echo = try Self.echoServer()
        defer { echo.stop() }
        let dir = try TemporaryDirectory(prefix: "hygiene-kube")
        defer { dir.remove() }
        let path = try dir.write("config", """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters: [{name: c, cluster: {server: "\(echo.baseURL)"}}]
            users: [{name: u, user: {token: "\(token)"}}]
            contexts: [{name: c, context: {cluster: c, user: u}}, {name: broken, context: {cluster: nowhere, user: u}}]
            """)
        let logs = CapturedLogs()
        let config = try KubeConfigLoader(.init(kubeconfig: path)).load()
        let client = KubeClient(configuration: config, http: try CurlHTTPClient(), retry: RetryPolicy(maxAttempts: 1),
                                logger: logs.logger)
        var texts: [String] = ["\(config)", String(reflecting: config)]
        do {
            _ = try await client.list(BuiltinResources.secrets, namespace: "prod")
            Issue.record("expected 403")
        } catch {
            #expect(error.isForbidden)
            texts += [error.description, String(reflecting: error), error.status?.message ?? ""]
        }
        do {
            _ = try KubeConfigLoader(.init(kubeconfig: path, context: "broken")).load()
        } catch {
            texts.append(error.description)
        }
        #expect(echo.requests.first?.header("Authorization") == "Bearer \(token)", "the token was sent")
        #expect(Self.leaks(texts.joined(separator: "\n") + logs.all, [token]) == [])
    }

    @Test("GitSource: a token stays out of fetch errors and logs, even when the server echoes it")
    func gitSource() async throws {
        let id = UUID().uuidString.lowercased()
        let token = "planted-git-token-\(id)"
        let password = "planted-url-password-\(id)"
        let echo = try Self.echoServer()
        defer { echo.stop() }
        let dir = try TemporaryDirectory(prefix: "hygiene-git")
        defer { dir.remove() }
        let logs = CapturedLogs()
        var texts: [String] = []
        for repository in [echo.baseURL + "/repo.git", echo.baseURL.replacingOccurrences(of: "http://", with: "http://ci:\(password)@") + "/r.git"] {
            do {
                let source = try GitSource(repository: repository, cacheDirectory: dir.path,
                                           credentials: GitCredentials(username: "ci", token: token), timeout: .seconds(20))
                texts.append("\(source)")
                _ = try await source.fetch(logger: logs.logger)
                Issue.record("expected a fetch error")
            } catch {
                texts += [error.description, String(reflecting: error)]
            }
        }
        #expect(echo.requests.contains { $0.header("Authorization") != nil } || echo.requests.count > 0)
        #expect(Self.leaks(texts.joined(separator: "\n") + logs.all, [token, password]) == [], "\(texts)")
    }

    @Test("Alerts: an AlertProvider address and token from its Secret stay out of failed deliveries and logs")
    func alerts() async throws {
        let id = UUID().uuidString.lowercased()
        let token = "planted-alert-token-\(id)"
        let hookPath = "planted-alert-address-\(id)"
        let echo = try Self.echoServer()
        defer { echo.stop() }
        let logs = CapturedLogs()
        var texts: [String] = []
        for address in [echo.baseURL + "/hooks/" + hookPath, "http://127.0.0.1:1/hooks/" + hookPath] {
            let objects = ObjectListAnalysisObjects(objects: [
                try JSONParser.parse(#"{"apiVersion":"flagger.app/v1beta1","kind":"AlertProvider","metadata":{"name":"team","namespace":"test"},"spec":{"type":"slack","secretRef":{"name":"hook"}}}"#),
                [
                    "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "hook", "namespace": "test"],
                    "data": ["address": .string(Data(address.utf8).base64EncodedString()),
                             "token": .string(Data(token.utf8).base64EncodedString())],
                ],
            ])
            let alert = try JSONCoding.decode(CanaryAlert.self, from: JSONParser.parse(#"{"name":"team","providerRef":{"name":"team"}}"#))
            var canary = Canary(metadata: ObjectMeta(name: "web", namespace: "test"),
                                spec: CanarySpec(targetRef: LocalObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: "web"),
                                                 service: CanaryService(port: 80), analysis: CanaryAnalysis(interval: "1m", threshold: 5)))
            canary.spec.analysis?.alerts = [alert]
            let notifier = AlertNotifier(client: try CurlHTTPClient(), objects: objects, logger: logs.logger)
            let deliveries = await notifier.send(Alert(message: "Canary failed", severity: .error), for: canary)
            #expect(deliveries.first?.delivered == false)
            texts += deliveries.map { "\($0) \($0.message)" }
        }
        #expect(echo.requests.first?.path.contains(hookPath) == true, "the address was used")
        #expect(Self.leaks(texts.joined(separator: "\n") + logs.all, [token, hookPath]) == [], "\(texts)")
    }
}
