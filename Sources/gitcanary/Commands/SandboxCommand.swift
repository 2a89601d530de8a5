import ArgumentParser
import Dispatch
import Foundation
import Logging
import Sandbox

/// `gitcanary sandbox`: serves a simulated Kubernetes cluster on 127.0.0.1 until SIGINT or SIGTERM.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve a simulated Kubernetes cluster (with a Prometheus query API) on 127.0.0.1 until interrupted.")

    @Option(help: "Port on 127.0.0.1 (0 picks a free one). Env: GITCANARY_SANDBOX_PORT.")
    var port: UInt16 = UInt16(EnvironmentDefault.int("SANDBOX_PORT", default: 0))

    @Option(help: "Write a kubeconfig for the sandbox to this file. Env: GITCANARY_SANDBOX_KUBECONFIG_OUT.")
    var kubeconfigOut: String?

    @Option(help: "Require this bearer token (read from the file) on API requests. Env: GITCANARY_SANDBOX_TOKEN_FILE.")
    var tokenFile: String?

    @Flag(help: ArgumentHelp(
        "RBAC mode: authorize every request by the stored Roles, ClusterRoles and bindings (403 like kube-apiserver). "
            + "The kubeconfig holds the admin token (system:masters); POST /sandbox/tokens "
            + "{\"namespace\":\"NS\",\"serviceAccount\":\"SA\"} issues service-account tokens. Env: GITCANARY_SANDBOX_RBAC."))
    var rbac: Bool = EnvironmentDefault.bool("SANDBOX_RBAC", default: false)

    func run() async throws {
        let kubeconfigOut = self.kubeconfigOut ?? EnvironmentDefault.string("SANDBOX_KUBECONFIG_OUT")
        let tokenFile = self.tokenFile ?? EnvironmentDefault.string("SANDBOX_TOKEN_FILE")
        var token: String? = nil
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("cannot read the token file \(tokenFile)")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw ValidationError("the token file \(tokenFile) is empty") }
            token = trimmed
        }
        let sandbox: Sandbox
        do {
            var options = Sandbox.Options(port: port, token: token)
            options.rbac = rbac
            sandbox = try Sandbox(options: options)
        } catch {
            throw ValidationError(error.description)
        }
        if let kubeconfigOut {
            do {
                try sandbox.writeKubeconfig(to: kubeconfigOut)
            } catch {
                sandbox.stop()
                throw ValidationError(error.description)
            }
        }
        print("Sandbox API server:     \(sandbox.apiURL)")
        print("Prometheus query API:   \(sandbox.prometheusURL)   (pass as --metrics-server)")
        if let kubeconfigOut {
            print("Kubeconfig:             \(kubeconfigOut)   (export KUBECONFIG=\(kubeconfigOut))")
        } else {
            print("Kubeconfig:             not written (pass --kubeconfig-out FILE)")
        }
        print("Control API:            \(sandbox.apiURL)/sandbox/   Loadtester: \(sandbox.apiURL)/loadtester/")
        if rbac {
            print("RBAC mode:              on (admin token in the kubeconfig; service-account tokens: POST /sandbox/tokens)")
        }
        print("Press Ctrl-C to stop.")
        fflush(nil)
        await Self.waitForTermination()
        sandbox.stop()
        print("Sandbox stopped.")
    }

    /// Suspends until SIGINT or SIGTERM arrives (both are ignored as default actions and handled here).
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "gitcanary.sandbox.signals")
            let once = OnceFlag()
            var sources: [any DispatchSourceSignal] = []
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) static var retained: [any DispatchSourceSignal] = []
    static func keep(_ sources: [any DispatchSourceSignal]) { retained += sources }
}

/// Resumes a continuation exactly once, whichever signal comes first.
private final class OnceFlag: @unchecked Sendable {
    // Guarded by `lock`.
    private var done = false
    private let lock = NSLock()
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}
