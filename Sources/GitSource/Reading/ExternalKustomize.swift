import Foundation

/// An external renderer for kustomizations: `kustomize build DIR`, or `kubectl kustomize DIR` when only kubectl
/// is installed.
struct ExternalKustomize {
    let executable: String
    let arguments: [String]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The first of `kustomize`, `kubectl` found on `searchPath`.
    static func find(searchPath: String) -> ExternalKustomize? {
        let dirs = searchPath.split(separator: ":").map(String.init)
        for (name, args) in [("kustomize", ["build"]), ("kubectl", ["kustomize"])] {
            for dir in dirs {
                let path = (dir as NSString).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: path) { return ExternalKustomize(executable: path, arguments: args) }
            }
        }
        return nil
    }

    /// Runs the tool on `directory` and returns its standard output. Output goes to files (never undrained pipes);
    /// the child is killed with SIGKILL at the time limit.
    func build(directory: String, timeout: Duration) throws(Failure) -> [UInt8] {
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("gitcanary-kustomize-\(UUID().uuidString)")
        let out = scratch + ".out", err = scratch + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: out)  // temp files; nothing to report
            try? FileManager.default.removeItem(atPath: err)
        }
        guard FileManager.default.createFile(atPath: out, contents: nil), FileManager.default.createFile(atPath: err, contents: nil),
            let outHandle = FileHandle(forWritingAtPath: out), let errHandle = FileHandle(forWritingAtPath: err)
        else { throw Failure(description: "cannot create temporary files for \(executable)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + [directory]
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw Failure(description: "cannot run \(executable): \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw Failure(description: "\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(RemoteCallbackState.format(timeout))")
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let stdout = FileManager.default.contents(atPath: out) ?? Data()
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
            let tail = stderr.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw Failure(description: "\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(tail)")
        }
        return Array(stdout)
    }
}
