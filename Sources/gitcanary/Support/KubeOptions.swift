import ArgumentParser
import Foundation
import KubeAPI
import Logging

/// The options every command that talks to a cluster shares: `--kubeconfig`, `--context`, `-n/--namespace`,
/// `-A/--all-namespaces`, resolved with kubectl's precedence (see ``KubeConfigLoader``).
///
/// Use it with `@OptionGroup var kube: KubeOptions`, then `try kube.makeClient(logger:)`.
struct KubeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Path to a kubeconfig file (env GITCANARY_KUBECONFIG; default: the files in KUBECONFIG, then in-cluster, "
            + "then ~/.kube/config).",
        valueName: "file"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp(
        "The kubeconfig context to use (env GITCANARY_CONTEXT; default: current-context).", valueName: "name"))
    var context: String?

    @Option(name: [.short, .long], help: ArgumentHelp(
        "The namespace (env GITCANARY_NAMESPACE; default: the context's namespace, in a pod its own, else default).",
        valueName: "namespace"))
    var namespace: String?

    @Flag(name: [.customShort("A"), .long], help: "Act on every namespace.")
    var allNamespaces = false

    /// The inputs of the configuration loader, read from the flags and the process environment.
    var loaderInputs: KubeConfigLoader.Inputs {
        let env = ProcessInfo.processInfo.environment
        return KubeConfigLoader.Inputs(
            kubeconfig: kubeconfig ?? EnvironmentDefault.string("KUBECONFIG"),
            context: context ?? EnvironmentDefault.string("CONTEXT"),
            namespace: namespace ?? EnvironmentDefault.string("NAMESPACE"), environment: env,
            homeDirectory: env["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path)
    }

    /// Resolves the configuration; a problem is printed with its source and exits 1.
    func configuration() throws -> KubeClientConfiguration {
        do {
            return try KubeConfigLoader(loaderInputs).load()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// A client for the resolved configuration on a fresh libcurl transport.
    func makeClient(logger: Logger) throws -> KubeClient {
        let config = try configuration()
        let http: CurlHTTPClient
        do {
            http = try CurlHTTPClient()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        return KubeClient(
            configuration: config, http: http, environment: ProcessInfo.processInfo.environment, logger: logger,
            userAgent: "gitcanary/\(GitCanaryVersion.string)")
    }

    /// The namespace to act on: `nil` with `-A`, else the flag or the configuration's default.
    func effectiveNamespace(_ config: KubeClientConfiguration) -> String? {
        allNamespaces ? nil : config.namespace
    }
}
