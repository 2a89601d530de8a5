import ArgumentParser
import Foundation
import KubeAPI
import Logging
import Reconciler
import Resources

/// `gitcanary status [-n NS | -A] [--output text|json]`: one LIST of Canaries, read straight from their status.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List canaries: phase, weight, failed checks, revision, last step, next step due, ETA (one LIST, no Git).")

    /// Output formats.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var kube: KubeOptions

    @Option(name: [.short, .long], help: "Output format: text or json. Env: GITCANARY_OUTPUT.")
    var output: OutputFormat = OutputFormat(rawValue: EnvironmentDefault.string("OUTPUT", default: "text")) ?? .text

    func run() async throws {
        let logger = LogSetup.logger("gitcanary.status", level: EnvironmentDefault.string("LOG_LEVEL", default: "warning"), format: nil)
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
                print(CanaryRow.table(rows, namespaces: namespace == nil), terminator: "")
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
    var threshold: Int
    var revision: String
    var lastStep: Date?
    var nextDue: Date?
    var eta: Date?

    init(_ object: JSONValue) {
        namespace = object["metadata", "namespace"]?.stringValue ?? ""
        name = object["metadata", "name"]?.stringValue ?? ""
        phase = object["status", "phase"]?.stringValue ?? "Unknown"
        weight = Int(object["status", "canaryWeight"]?.intValue ?? 0)
        failedChecks = Int(object["status", "failedChecks"]?.intValue ?? 0)
        revision = String((object["status", "revision", "commit"]?.stringValue ?? "").prefix(7))
        let canary = try? Canary(json: object)
        threshold = canary?.effectiveThreshold ?? 0
        lastStep = canary?.status?.lastStepTime ?? canary?.status?.lastTransitionTime
        let active = ["Progressing", "WaitingPromotion", "Promoting", "Finalising"].contains(phase)
        if active, let canary, let last = lastStep {
            nextDue = last.addingTimeInterval(canary.intervalSeconds)
            if let due = nextDue, let status = canary.status {
                eta = due.addingTimeInterval(Double(max(0, Self.remainingSteps(canary, status) - 1)) * canary.intervalSeconds)
            }
        }
    }

    /// Steps left until Succeeded when every check passes (the planner's estimate, from the status).
    static func remainingSteps(_ canary: Canary, _ s: CanaryStatus) -> Int {
        let promotionSteps: Int = {
            let step = canary.stepWeightPromotion
            let w = s.canaryWeight ?? 0
            return (step > 0 && w > 0 ? Int((Double(w) / Double(step)).rounded(.up)) : 1) + 1
        }()
        switch s.phase ?? .none {
        case .finalising: return 1
        case .promoting: return promotionSteps
        default: break
        }
        switch canary.strategy {
        case .canary:
            var w = s.canaryWeight ?? 0
            var n = w == 0 ? 1 : 0
            var guardCount = 0
            while w < canary.maxWeight && guardCount < 200 {
                guardCount += 1
                let step = canary.nextStepWeight(from: w)
                if step <= 0 { break }
                w += step
                n += 1
            }
            return n + 1 + promotionSteps
        case .blueGreen, .abTesting:
            let extra = canary.strategy == .blueGreen ? 1 : 0
            return max(0, canary.iterations - (s.iterations ?? 0)) + extra + 1 + promotionSteps
        }
    }

    var json: JSONValue {
        var o: JSONValue = [
            "namespace": .string(namespace), "name": .string(name), "phase": .string(phase),
            "weight": .int(Int64(weight)), "failedChecks": .int(Int64(failedChecks)), "threshold": .int(Int64(threshold)),
            "revision": .string(revision),
        ]
        if let lastStep { o["lastStep"] = .string(RFC3339.format(lastStep)) }
        if let nextDue { o["nextDue"] = .string(RFC3339.format(nextDue)) }
        if let eta { o["eta"] = .string(RFC3339.format(eta)) }
        return o
    }

    /// Aligned columns with a header, like kubectl.
    static func table(_ rows: [CanaryRow], namespaces: Bool) -> String {
        var header = ["NAME", "PHASE", "WEIGHT", "FAILED/THRESHOLD", "REVISION", "LAST STEP", "NEXT DUE", "ETA"]
        if namespaces { header.insert("NAMESPACE", at: 0) }
        let cells = [header] + rows.map { r in
            var c = [r.name, r.phase, ReportText.bar(r.weight), "\(r.failedChecks)/\(r.threshold)", r.revision.isEmpty ? "-" : r.revision,
                     ReportText.time(r.lastStep), ReportText.time(r.nextDue), ReportText.time(r.eta)]
            if namespaces { c.insert(r.namespace, at: 0) }
            return c
        }
        let widths = (0..<header.count).map { i in cells.map { $0[i].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
