import Foundation
import GitSource
import KubeAPI
import Logging
import Reconciler
import Resources
import Sandbox
import TestSupport
import Testing

/// examples/blue-green-kubernetes and examples/ab-gatewayapi used as repository paths: initialized, then a new image
/// promoted through its iterations, on an in-process Sandbox with a stepped clock.
@Suite("examples")
struct ExamplesPlayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let httpRouteCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: httproutes.gateway.networking.k8s.io}
        spec:
          group: gateway.networking.k8s.io
          names: {kind: HTTPRoute, listKind: HTTPRouteList, plural: httproutes, singular: httproute}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}

        """

    func play(_ example: String, namespace: String, name: String, extra: String?) async throws -> (phases: [String], iterations: [Int]) {
        let harness = try SandboxHarness()
        defer { harness.stop() }
        harness.sandbox.setClock(Date(timeIntervalSince1970: 1_900_000_000), freeze: true)
        let repo = harness.directory + "/repo"
        let fm = FileManager.default
        try fm.createDirectory(atPath: repo + "/crds", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: repo + "/\(example)", withIntermediateDirectories: true)
        for f in ["canaries.flagger.app.yaml", "metrictemplates.flagger.app.yaml", "alertproviders.flagger.app.yaml"] {
            try fm.copyItem(atPath: Self.root.path + "/deploy/crds/" + f, toPath: repo + "/crds/" + f)
        }
        if let extra { try extra.write(toFile: repo + "/crds/extra.yaml", atomically: true, encoding: .utf8) }
        for f in try fm.contentsOfDirectory(atPath: Self.root.path + "/examples/\(example)") where f.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: Self.root.path + "/examples/\(example)/\(f)", encoding: .utf8)
                .replacingOccurrences(of: "http://loadtester.test/", with: harness.sandbox.apiURL + "/loadtester/")
            try text.write(toFile: repo + "/\(example)/\(f)", atomically: true, encoding: .utf8)
        }
        func git(_ args: [String]) throws {
            let r = try SandboxProcessRunner.run("/usr/bin/env", ["git", "-C", repo] + args, timeout: 30)
            #expect(r.status == 0, "\(r.stderr)")
        }
        func commit() throws {
            try git(["add", "-A"])
            try git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "change"])
        }
        try git(["init", "-q", "-b", "main"])
        try commit()
        var phases: [String] = []
        var iterations: [Int] = []
        func run() async throws -> CanaryOutcome? {
            let http = try CurlHTTPClient()
            let client = KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: http)
            let source = try GitSource(repository: repo, ref: "main", cacheDirectory: harness.directory + "/cache")
            var options = ReconcileOptions(sourceName: "ex", now: harness.sandbox.now, leaseWait: .seconds(5), identity: "t")
            options.analysis.metricsServer = harness.sandbox.prometheusURL
            options.definitionTimeout = .seconds(10)
            let env = ReconcileEnvironment(source: source, client: client, http: http, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
            let r = await Reconciler(environment: env).run(options)
            #expect(r.errors.isEmpty && !r.hasErrors, "\(r.errors) \(r.canaries.compactMap(\.error))")
            harness.sandbox.advanceClock(by: 60)
            return r.canaries.first
        }
        for _ in 0..<4 where try await run()?.phaseAfter != .initialized {}
        let path = repo + "/\(example)/deployment.yaml"
        try (try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "podinfo:6.7.0", with: "podinfo:6.7.1")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try commit()
        for _ in 0..<14 {
            guard let c = try await run() else { continue }
            phases.append(c.phaseAfter.rawValue)
            iterations.append(c.status?.iterations ?? 0)
            if c.phaseAfter == .succeeded || c.phaseAfter == .failed { break }
        }
        let primary = try await KubeClient(configuration: KubeClientConfiguration(server: harness.sandbox.apiURL), http: try CurlHTTPClient())
            .get(BuiltinResources.deployments, namespace: namespace, name: name + "-primary")
        #expect(primary["spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue == "ghcr.io/stefanprodan/podinfo:6.7.1")
        return (phases, iterations)
    }

    @Test("blue-green-kubernetes: 3 iterations, then promotion")
    func blueGreen() async throws {
        let (phases, iterations) = try await play("blue-green-kubernetes", namespace: "bluegreen", name: "web", extra: nil)
        #expect(phases.last == "Succeeded", "\(phases)")
        #expect(iterations.contains(3), "\(iterations)")
    }

    @Test("ab-gatewayapi: header-matched A/B iterations, then promotion")
    func abTesting() async throws {
        let (phases, iterations) = try await play("ab-gatewayapi", namespace: "abtest", name: "shop", extra: Self.httpRouteCRD)
        #expect(phases.last == "Succeeded", "\(phases)")
        #expect(iterations.contains(5), "\(iterations)")
    }
}
