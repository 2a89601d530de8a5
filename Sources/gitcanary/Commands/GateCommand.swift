import ArgumentParser
import Foundation
import KubeAPI
import Resources

/// `gitcanary approve | reject | retry CANARY -n NS`: the persisted gates of architecture "Contracts", set as
/// annotations on the Canary by a merge patch with the rollout's field manager. Each names the revision's commit:
/// `status.revision.commit` (retry: `status.failedRevision.commit`) unless `--revision` is given.
enum GateCommand {
    struct Common: ParsableArguments {
        @Argument(help: "The Canary's name.") var canary: String
        @OptionGroup var kube: KubeOptions
        @Option(help: "The commit to name (full SHA or a prefix of 7+; default: from the Canary's status).")
        var revision: String?
        @Option(help: "Log level. Env: GITCANARY_LOG_LEVEL.")
        var logLevel: String = EnvironmentDefault.string("LOG_LEVEL", default: "warning")

        func set(_ annotations: (JSONValue) throws -> [String: String]) async throws {
            let logger = LogSetup.logger("gitcanary.gate", level: logLevel, format: nil)
            let client = try kube.makeClient(logger: logger)
            let ns = client.configuration.namespace
            do {
                let live = try await client.get(BuiltinResources.canaries, namespace: ns, name: canary)
                let values = try annotations(live)
                let patch: JSONValue = ["metadata": ["annotations": .object(JSONObject(values.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))]]
                _ = try await client.patch(
                    BuiltinResources.canaries, namespace: ns, name: canary, patch: .merge(patch),
                    options: WriteOptions(fieldManager: "gitcanary-rollout"))
                for (k, v) in values.sorted(by: { $0.key < $1.key }) { print("canary \(ns)/\(canary) annotated \(k)=\(v)") }
            } catch let error as KubeAPIError {
                FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
                throw ExitCode.failure
            }
        }

        func commit(_ live: JSONValue, from path: [String]) throws -> String {
            if let revision {
                guard revision.count >= 7, revision.allSatisfy(\.isHexDigit) else {
                    throw ValidationError("--revision must be a commit SHA or a prefix of 7+ hex digits")
                }
                return revision
            }
            guard let c = live.value(at: path)?.stringValue, !c.isEmpty else {
                throw ValidationError("the Canary has no \(path.joined(separator: ".")); pass --revision COMMIT")
            }
            return c
        }
    }

    /// `gitcanary approve`.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Open a persisted gate (gitcanary.dev/approve-*) for the canary's current revision.")
        @OptionGroup var common: Common
        @Option(help: "Which gate: rollout, traffic-increase, promotion or all.")
        var gate: String = "all"
        func run() async throws {
            let gates = gate == "all" ? ["rollout", "traffic-increase", "promotion"] : [gate]
            guard gates.allSatisfy({ ["rollout", "traffic-increase", "promotion"].contains($0) }) else {
                throw ValidationError("--gate must be rollout, traffic-increase, promotion or all")
            }
            try await common.set { live in
                let c = try common.commit(live, from: ["status", "revision", "commit"])
                return Dictionary(uniqueKeysWithValues: gates.map { ("gitcanary.dev/approve-\($0)", c) })
            }
        }
    }

    /// `gitcanary reject`.
    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject", abstract: "Roll the canary's current revision back (gitcanary.dev/rollback) at its next step.")
        @OptionGroup var common: Common
        func run() async throws {
            try await common.set { live in ["gitcanary.dev/rollback": try common.commit(live, from: ["status", "revision", "commit"])] }
        }
    }

    /// `gitcanary retry`.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry", abstract: "Lift the failed-revision memory (gitcanary.dev/retry) so the failed revision is analysed again.")
        @OptionGroup var common: Common
        func run() async throws {
            try await common.set { live in ["gitcanary.dev/retry": try common.commit(live, from: ["status", "failedRevision", "commit"])] }
        }
    }
}
