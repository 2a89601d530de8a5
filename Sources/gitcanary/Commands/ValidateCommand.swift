import ArgumentParser
import Foundation
import Resources

/// `gitcanary validate PATH...`: offline lint of manifest files and directories.
///
/// Prints `file:line: error|warning: message (json.path)` per problem and a summary line; exits 0 without errors,
/// 1 with errors, 64 on usage errors (unknown option, missing or unreadable path).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check manifest files or directories offline (file:line: error: message).",
        discussion: """
            Validates Flagger objects (Canary, MetricTemplate, AlertProvider) against Flagger's CRD schema and \
            rules, and every other object for apiVersion, kind and metadata.name; reports duplicate objects and \
            references to MetricTemplates or AlertProviders missing from the given files. Exit status: 0 no \
            errors, 1 errors found, 64 usage error. Rules: docs/validation.md.
            """)

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Files or directories (recursive: *.yaml, *.yml, *.json).")
    var paths: [String]

    @Option(name: .long, help: "Output format: text or json.")
    var output: Format = .text

    func run() async throws {
        let files: [ValidationReport.File]
        do {
            files = try ManifestFiles.read(paths)
        } catch {
            throw ValidationError(error.description)
        }
        let report = ValidationReport.validate(files: files)
        switch output {
        case .text: FileHandle.standardOutput.write(Data(report.text.utf8))
        case .json: FileHandle.standardOutput.write(Data((JSONWriter.string(report.json, options: .init(pretty: true)) + "\n").utf8))
        }
        if report.hasErrors { throw ExitCode(1) }
    }
}
