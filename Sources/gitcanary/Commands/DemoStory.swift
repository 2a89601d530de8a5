import Foundation
import GitSource
import KubeAPI
import Logging
import Reconciler
import Sandbox

/// The pieces of `gitcanary demo`: a temporary Git repository built from an example, and one reconcile run against
/// the in-process Sandbox at the Sandbox's (stepped) clock.
struct DemoWorld {
    let sandbox: Sandbox
    let directory: String
    let repo: String
    let kubeconfig: String
    let logger: Logger
    let metricsServer: String

    /// Finds the project directory holding `examples/` and `deploy/crds/` (the working directory, the executable's
    /// ancestors), or `nil`.
    static func projectDirectory(_ hint: String?) -> String? {
        var candidates: [String] = []
        if let hint { candidates.append(hint) }
        candidates.append(FileManager.default.currentDirectoryPath)
        var exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(exe.path)
            exe = exe.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: "\($0)/examples") && FileManager.default.fileExists(atPath: "\($0)/deploy/crds") }
    }

    /// The examples the demo plays (every directory of examples/).
    static let examples = [
        "demo-istio", "podinfo-istio", "blue-green-kubernetes", "ab-gatewayapi", "apisix", "appmesh", "contour", "gloo",
        "knative", "kuma", "linkerd", "nginx", "skipper", "traefik",
    ]

    /// Builds the repository: the example's files (placeholder hosts rewritten to the Sandbox's: the load tester
    /// `http://loadtester.test/`, and MetricTemplate Prometheus addresses `http://prometheus…`) plus Flagger's CRDs
    /// from `deploy/crds`, committed as v1.
    static func make(project: String, example: String, sandbox: Sandbox, logger: Logger) throws -> DemoWorld {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard !example.contains("/"), fm.fileExists(atPath: "\(project)/examples/\(example)", isDirectory: &isDir), isDir.boolValue else {
            throw DemoError("no example \(example) under \(project)/examples (try one of: \(examples.joined(separator: ", ")))")
        }
        let dir = NSTemporaryDirectory() + "gitcanary-demo-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let repo = dir + "/repo"
        try fm.createDirectory(atPath: repo + "/crds-flagger", withIntermediateDirectories: true)
        if !fm.fileExists(atPath: "\(project)/examples/\(example)/crds"), usesIstio("\(project)/examples/\(example)") {
            // An Istio example without its own CRDs (podinfo-istio) gets the demo's minimal Istio CRDs (one copy in
            // examples/, as `gitcanary validate examples/` wants every object once).
            try fm.createDirectory(atPath: repo + "/crds-istio", withIntermediateDirectories: true)
            try copyTree("\(project)/examples/demo-istio/crds", to: repo + "/crds-istio", rewrite: [:])
        }
        try copyTree("\(project)/examples/\(example)", to: repo, rewrite: [
            "http://loadtester.test/": "\(sandbox.apiURL)/loadtester/",
            "http://prometheus.istio-system:9090": sandbox.prometheusURL,
        ])
        for f in try fm.contentsOfDirectory(atPath: "\(project)/deploy/crds") where f.hasSuffix(".yaml") {
            try fm.copyItem(atPath: "\(project)/deploy/crds/\(f)", toPath: "\(repo)/crds-flagger/\(f)")
        }
        try git(repo, ["init", "-q", "-b", "main"])
        try commit(repo, "v1")
        let kubeconfig = dir + "/kubeconfig"
        try sandbox.writeKubeconfig(to: kubeconfig, namespace: "default")
        return DemoWorld(sandbox: sandbox, directory: dir, repo: repo, kubeconfig: kubeconfig, logger: logger,
                         metricsServer: sandbox.prometheusURL)
    }

    /// Whether a Canary of the example directory says `provider: istio`.
    static func usesIstio(_ dir: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.contains { f in
            guard f.hasSuffix(".yaml"), let text = try? String(contentsOfFile: "\(dir)/\(f)", encoding: .utf8) else { return false }
            return text.contains("kind: Canary") && text.contains("provider: istio")
        }
    }

    static func copyTree(_ from: String, to: String, rewrite: [String: String]) throws {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: from) else { throw DemoError("cannot read \(from)") }
        while let rel = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: "\(from)/\(rel)", isDirectory: &isDir)
            if isDir.boolValue {
                try fm.createDirectory(atPath: "\(to)/\(rel)", withIntermediateDirectories: true)
            } else {
                var text = try String(contentsOfFile: "\(from)/\(rel)", encoding: .utf8)
                for (a, b) in rewrite { text = text.replacingOccurrences(of: a, with: b) }
                try text.write(toFile: "\(to)/\(rel)", atomically: true, encoding: .utf8)
            }
        }
    }

    /// The repository file (relative path) holding the release's image: the target's manifest.
    func targetFile(containing image: String) throws -> String {
        let fm = FileManager.default
        let walker = fm.enumerator(atPath: repo)
        while let rel = walker?.nextObject() as? String {
            guard rel.hasSuffix(".yaml") || rel.hasSuffix(".yml"), !rel.hasPrefix(".git/"),
                let text = try? String(contentsOfFile: "\(repo)/\(rel)", encoding: .utf8), text.contains(image)
            else { continue }
            return rel
        }
        throw DemoError("no manifest of the example uses the image \(image): the demo releases by changing it")
    }

    /// Edits a file of the repository (replacements, then an optional whole-text edit) and commits.
    func change(
        _ file: String, _ edits: [(String, String)], message: String, transform: ((String) -> String?)? = nil
    ) throws {
        let path = "\(repo)/\(file)"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (a, b) in edits { text = text.replacingOccurrences(of: a, with: b) }
        if let transform {
            guard let edited = transform(text) else { throw DemoError("cannot edit the pod template of \(file)") }
            text = edited
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try Self.commit(repo, message)
    }

    static func commit(_ repo: String, _ message: String) throws {
        try git(repo, ["add", "-A"])
        try git(repo, ["-c", "user.name=GitCanary Demo", "-c", "user.email=demo@gitcanary.dev", "commit", "-q", "-m", message])
    }

    static func git(_ repo: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", repo] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw DemoError("git \(args.joined(separator: " ")) failed (is git installed?)") }
    }

    /// One reconcile run at the Sandbox's clock.
    func run() async throws -> RunReport {
        let config = try KubeConfigLoader(.init(kubeconfig: kubeconfig, environment: [:], homeDirectory: directory)).load()
        let http = try CurlHTTPClient()
        let client = KubeClient(configuration: config, http: http, logger: logger)
        let source = try GitSource(repository: repo, ref: "main", cacheDirectory: directory + "/cache")
        var options = ReconcileOptions(mode: .reconcile, defaultNamespace: "default", sourceName: "demo", now: sandbox.now,
                                       leaseWait: .seconds(5), identity: "gitcanary-demo")
        options.analysis.metricsServer = metricsServer
        options.definitionTimeout = .seconds(10)
        return await Reconciler(environment: ReconcileEnvironment(source: source, client: client, http: http, logger: logger)).run(options)
    }

    func cleanUp() {
        sandbox.stop()
        try? FileManager.default.removeItem(atPath: directory)  // a leftover temp dir is harmless
    }
}

/// A demo failure with its reason.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
