import ArgumentParser

/// `gitcanary validate PATH...`: offline lint of manifest files and directories.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check manifest files or directories offline (file:line: error: message).")

    @Argument(help: "Files or directories (recursive: *.yaml, *.yml, *.json).")
    var paths: [String]

    func run() async throws {
        throw ValidationError("validate is not implemented yet")
    }
}
