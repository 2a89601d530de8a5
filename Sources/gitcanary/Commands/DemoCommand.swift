import ArgumentParser
import Foundation
import Reconciler
import Resources
import Sandbox

/// `gitcanary demo`: a whole release story of one of examples/ on the in-process Sandbox with a stepped clock: v1
/// initialized, v2 promoted, v3 (a bad success rate) rolled back (`DemoPlay`). Each run is printed as it happens.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a whole release on the built-in sandbox cluster with a stepped clock (v1 initialized, v2 promoted, v3 rolled back).")

    @Option(help: "The example directory under examples/ to play (any of them: \(DemoWorld.examples.joined(separator: ", "))).")
    var example: String = "demo-istio"
    @Option(help: "The project directory holding examples/ and deploy/crds/ (default: found from the working directory or the executable).")
    var projectDir: String?
    @Option(help: "Log level on stderr.")
    var logLevel: String = EnvironmentDefault.string("LOG_LEVEL", default: "error")

    func run() async throws {
        let logger = LogSetup.logger("gitcanary.demo", level: logLevel, format: nil)
        guard let project = DemoWorld.projectDirectory(projectDir) else {
            throw ValidationError("cannot find examples/ and deploy/crds/; run from the project directory or pass --project-dir")
        }
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox(options: Sandbox.Options(port: 0))
        } catch {
            throw ValidationError(error.description)
        }
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        sandbox.setClock(start, freeze: true)
        let world: DemoWorld
        do {
            world = try DemoWorld.make(project: project, example: example, sandbox: sandbox, logger: logger)
        } catch {
            sandbox.stop()
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        defer { world.cleanUp() }
        print("Sandbox cluster on \(sandbox.apiURL); Git repository \(world.repo)")
        print("Each line is one `gitcanary reconcile` run; the clock steps one analysis interval (1m) between runs.\n")
        do {
            _ = try await DemoPlay(world: world, start: start, output: { print($0); fflush(nil) }).play()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
