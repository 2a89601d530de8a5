import Foundation
import Resources
import Testing
import TestSupport

@testable import GitSource

@Suite("Reading manifests from the object database")
struct ReadingTests {
    @Test("recursive read: nested dirs, kustomizations, JSON, dot-dirs skipped, symlink reported, bad files collected")
    func wholeTree() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source()
        let revision = try await source.fetch(logger: logger).revision
        let set = try await source.manifests(at: revision, logger: logger)

        #expect(set.manifests.refs == [
            "Canary/test/podinfo", "ConfigMap/test/podinfo-config", "ConfigMap/test/still-read",
            "Deployment/prod/kapp", "Deployment/test/podinfo", "Namespace/prod", "Service/prod/ksvc", "Service/test/podinfo",
        ])
        // Paths are relative to the repository root, with lines.
        let canary = try #require(set.manifests.first { $0.kind == "Canary" })
        #expect(canary.source.description == "apps/podinfo/service.yml:7")
        let json = try #require(set.manifests.first { $0.kind == "ConfigMap" && $0.name == "podinfo-config" })
        #expect(json.source.file == "apps/podinfo/config.json")

        // One bad file never hides the others: both failures are listed with file:line.
        let errors = set.errors.map(\.description)
        #expect(errors.count == 2)
        #expect(errors.contains { $0.hasPrefix("apps/broken/bad.yaml:5:1: YAML syntax error") && $0.contains("at line 4") })
        #expect(errors.contains { $0 == "apps/broken/binary.yaml: binary content; not a YAML or JSON manifest" })
        #expect(set.skipped == [SkippedEntry(path: "apps/link.yaml", kind: .symlink, detail: "podinfo/deployment.yaml")])
        // The kustomization's unlisted file is not read; .github is skipped.
        #expect(!set.manifests.contains { $0.name == "not-listed" || $0.source.file.hasPrefix(".github") })
    }

    @Test("a path inside the repository, and a single file")
    func subPath() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "./apps/podinfo/")
        let revision = try await source.fetch(logger: logger).revision
        let set = try await source.manifests(at: revision, logger: logger)
        #expect(set.path == "apps/podinfo")
        #expect(set.manifests.refs == ["Canary/test/podinfo", "ConfigMap/test/podinfo-config", "Deployment/test/podinfo", "Service/test/podinfo"])
        #expect(set.errors.isEmpty)
        let single = try await source.manifests(at: revision, path: "apps/podinfo/deployment.yaml", logger: logger)
        #expect(single.manifests.refs == ["Deployment/test/podinfo"])
        let kustomized = try await source.manifests(at: revision, path: "apps/kustomized", logger: logger)
        #expect(kustomized.manifests.refs == ["Deployment/prod/kapp", "Namespace/prod", "Service/prod/ksvc"])
    }

    @Test("a missing path names the path and the commit")
    func missingPath() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logger = CapturedLogs().logger
        let source = try setup.source()
        let revision = try await source.fetch(logger: logger).revision
        let error = await expectGitSourceError { _ = try await source.manifests(at: revision, path: "apps/nope", logger: logger) }
        #expect(error?.code == .pathNotFound)
        #expect(error?.message.contains("path 'apps/nope' does not exist at commit \(setup.firstCommit.prefix(12))") == true)
        #expect(error?.message.contains("entries there: broken, kustomized, link.yaml, podinfo") == true)
        let outside = await expectGitSourceError { _ = try await source.manifests(at: revision, path: "../etc", logger: logger) }
        #expect(outside?.code == .pathNotFound)
    }

    @Test("submodules are reported, not followed")
    func submodule() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.git("update-index", "--add", "--cacheinfo", "160000,\(setup.firstCommit),apps/vendored")
        try setup.fixture.git("commit", "-q", "-m", "Add a submodule")
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "apps")
        let set = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)
        #expect(set.skipped.contains(SkippedEntry(path: "apps/vendored", kind: .submodule, detail: setup.firstCommit)))
    }

    @Test("a kustomization with other features is rendered by kustomize or kubectl from a checkout",
          .enabled(if: GitTestProcess.which("kustomize") != nil || GitTestProcess.which("kubectl") != nil))
    func externalKustomize() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.write("apps/kustomized/kustomization.yaml", "namespace: prod\nresources:\n  - app.yaml\ncommonLabels:\n  team: canary\n")
        try setup.fixture.commit("Use commonLabels")
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "apps/kustomized")
        let set = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)
        #expect(set.errors.isEmpty, "\(set.errors)")
        let app = try #require(set.manifests.first)
        #expect(set.manifests.count == 1)
        #expect(app.ref.description == "Deployment/prod/kapp")
        #expect(app.labels["team"] == "canary")
        #expect(app.source.description == "apps/kustomized/kustomization.yaml:1")
    }

    @Test("without kustomize or kubectl such a kustomization is a clear error, never a partial read")
    func kustomizeMissing() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.write("apps/kustomized/kustomization.yaml", "resources:\n  - app.yaml\npatches:\n  - path: p.yaml\n")
        try setup.fixture.commit("Use patches")
        let logger = CapturedLogs().logger
        var source = try setup.source()
        source.toolSearchPath = "/nonexistent"
        let revision = try await source.fetch(logger: logger).revision
        let error = await expectGitSourceError { _ = try await source.manifests(at: revision, logger: logger) }
        #expect(error?.code == .kustomize)
        #expect(error?.message.contains("apps/kustomized/kustomization.yaml at commit") == true)
        #expect(error?.message.contains("uses patches") == true)
        #expect(error?.message.contains("install kustomize (or kubectl)") == true)
    }

    @Test("kustomization resources that do not exist are errors of the kustomization file")
    func kustomizationMissingResource() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.write("apps/kustomized/kustomization.yaml", "resources:\n  - app.yaml\n  - gone.yaml\n  - ../podinfo\n")
        try setup.fixture.commit("Reference a missing file")
        let logger = CapturedLogs().logger
        let source = try setup.source(path: "apps/kustomized")
        let set = try await source.manifests(at: try await source.fetch(logger: logger).revision, logger: logger)
        #expect(set.manifests.refs == ["Deployment/kapp"])
        #expect(set.errors.map(\.description).sorted() == [
            "apps/kustomized/kustomization.yaml: resources[1] 'gone.yaml' does not exist at commit \(set.revision.shortCommit)",
            "apps/kustomized/kustomization.yaml: resources[2] '../podinfo' is a directory without a kustomization.yaml",
        ])
    }
}
