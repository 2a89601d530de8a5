import ArgumentParser
import Foundation
import KubeAPI
import Logging
import Resources

/// `gitcanary status [-n NS | -A]`: lists Canaries with their phase, canary weight and failed checks.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "List canaries: namespace, name, phase, weight and failed checks.")

    /// Output formats.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .long], help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let logger = Logger(label: "gitcanary.status")
        let client = try kube.makeClient(logger: logger)
        let namespace = kube.effectiveNamespace(client.configuration)
        let items: [JSONValue]
        do {
            items = try await client.listAll(BuiltinResources.canaries, namespace: namespace)
        } catch {
            var message = error.description
            if error.isNotFound {
                message += "\nIs the Canary CRD (canaries.flagger.app) installed in this cluster?"
            }
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            throw ExitCode.failure
        }
        let rows = items.map(CanaryRow.init).sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        switch output {
        case .json:
            print(JSONWriter.string(.array(rows.map(\.json)), options: .init(sortedKeys: true, pretty: true)))
        case .text:
            if rows.isEmpty {
                let scope = namespace.map { "in namespace \($0)" } ?? "in any namespace"
                FileHandle.standardError.write(Data("No canaries found \(scope).\n".utf8))
            } else {
                print(CanaryRow.table(rows), terminator: "")
            }
        }
    }
}

/// One line of `gitcanary status`, read straight from a Canary object.
struct CanaryRow {
    var namespace: String
    var name: String
    var phase: String
    var weight: Int
    var failedChecks: Int

    init(_ canary: JSONValue) {
        namespace = canary["metadata", "namespace"]?.stringValue ?? ""
        name = canary["metadata", "name"]?.stringValue ?? ""
        phase = canary["status", "phase"]?.stringValue ?? "Unknown"
        weight = Int(canary["status", "canaryWeight"]?.intValue ?? 0)
        failedChecks = Int(canary["status", "failedChecks"]?.intValue ?? 0)
    }

    var json: JSONValue {
        [
            "namespace": .string(namespace), "name": .string(name), "phase": .string(phase),
            "weight": .int(Int64(weight)), "failedChecks": .int(Int64(failedChecks)),
        ]
    }

    /// Aligned columns with a header, like kubectl.
    static func table(_ rows: [CanaryRow]) -> String {
        let header = ["NAMESPACE", "NAME", "PHASE", "WEIGHT", "FAILED CHECKS"]
        let cells = [header] + rows.map { [$0.namespace, $0.name, $0.phase, String($0.weight), String($0.failedChecks)] }
        let widths = (0..<header.count).map { i in cells.map { $0[i].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
