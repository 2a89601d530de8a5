import Foundation
import Synchronization

/// Turns ``KubeCredentials`` into what each request needs: an `Authorization` header and, for exec plugins that
/// return certificates, client TLS material. Exec credentials are cached until `expirationTimestamp` (minus a small
/// margin) and dropped on a 401; token files are re-read at most once a minute (projected tokens rotate).
final class Authenticator: Sendable {
    private struct State {
        var exec: ExecCredential?
        var fileToken: (token: Redacted, readAt: ContinuousClock.Instant)?
        var execRuns = 0
    }

    private let configuration: KubeClientConfiguration
    private let environment: [String: String]
    private let now: @Sendable () -> Date
    private let state = Mutex(State())
    /// Serialises plugin runs so concurrent first requests run the plugin once.
    private let execGate = Mutex(())

    init(configuration: KubeClientConfiguration, environment: [String: String], now: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.environment = environment
        self.now = now
    }

    /// How many times the exec plugin ran (for tests and the report).
    var execRuns: Int { state.withLock { $0.execRuns } }

    /// Headers to add and the TLS options to use for the next request.
    func prepare() async throws(KubeConfigError) -> (headers: [HTTPHeader], tls: TLSOptions) {
        var tls = configuration.tls
        switch configuration.credentials {
        case .none:
            return ([], tls)
        case .token(let t):
            return ([HTTPHeader("Authorization", "Bearer " + t.value)], tls)
        case .basic(let user, let password):
            let raw = Data("\(user):\(password.value)".utf8).base64EncodedString()
            return ([HTTPHeader("Authorization", "Basic " + raw)], tls)
        case .tokenFile(let file):
            return ([HTTPHeader("Authorization", "Bearer " + (try fileToken(file).value))], tls)
        case .exec(let config):
            let credential = try await execCredentialOffPool(config)
            if let cert = credential.clientCertificate, let key = credential.clientKey {
                tls.clientCertificate = cert
                tls.clientKey = Data(key.value.utf8)
            }
            return (credential.token.map { [HTTPHeader("Authorization", "Bearer " + $0.value)] } ?? [], tls)
        }
    }

    /// Forgets cached credentials after the server said 401; returns whether a retry may help.
    func invalidate() -> Bool {
        state.withLock { s in
            let had = s.exec != nil || s.fileToken != nil
            s.exec = nil
            s.fileToken = nil
            return had
        }
    }

    private func fileToken(_ file: String) throws(KubeConfigError) -> Redacted {
        let clock = ContinuousClock()
        if let cached = state.withLock({ $0.fileToken }), clock.now - cached.readAt < .seconds(60) { return cached.token }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw KubeConfigError(source: configuration.source, message: "the token file \(file) cannot be read")
        }
        let token = Redacted(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        state.withLock { $0.fileToken = (token, clock.now) }
        return token
    }

    /// Runs (or reuses) the exec credential on a Dispatch thread: a plugin can take seconds (cloud CLIs), and it
    /// must not hold one of the few cooperative threads while it does.
    private func execCredentialOffPool(_ config: ExecConfig) async throws(KubeConfigError) -> ExecCredential {
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<ExecCredential, KubeConfigError>, Never>) in
            DispatchQueue.global().async {
                do throws(KubeConfigError) {
                    c.resume(returning: .success(try self.execCredential(config)))
                } catch {
                    c.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func execCredential(_ config: ExecConfig) throws(KubeConfigError) -> ExecCredential {
        try execGate.withLock { _ throws(KubeConfigError) in try cachedOrRun(config) }
    }

    private func cachedOrRun(_ config: ExecConfig) throws(KubeConfigError) -> ExecCredential {
        let current = now()
        if let cached = state.withLock({ $0.exec }),
            cached.expiration.map({ $0.timeIntervalSince(current) > 10 }) ?? true
        {
            return cached
        }
        let plugin = ExecCredentialPlugin(
            config: config, environment: environment, server: configuration.server, source: configuration.source)
        let credential = try plugin.run()
        state.withLock {
            $0.exec = credential
            $0.execRuns += 1
        }
        return credential
    }
}
