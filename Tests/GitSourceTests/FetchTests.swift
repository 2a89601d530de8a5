import Foundation
import Testing
import TestSupport

@testable import GitSource

@Suite("Fetching into the cache")
struct FetchTests {
    @Test("first fetch clones, a second run with no change transfers nothing, a new commit is picked up")
    func cacheLifecycle() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logs = CapturedLogs()
        let source = try setup.source()

        let first = try await source.fetch(logger: logs.logger)
        #expect(first.cache == .cloned)
        #expect(first.stats.receivedObjects > 0)
        #expect(first.revision.commit == setup.firstCommit)
        #expect(first.revision.ref == "HEAD")
        #expect(first.revision.resolvedRef == "refs/heads/main")
        #expect(first.revision.author == "\(GitFixture.authorName) <\(GitFixture.authorEmail)>")
        #expect(first.revision.subject == "Add podinfo and friends")
        #expect(first.revision.commitTime == Date(timeIntervalSince1970: TimeInterval(GitFixture.firstCommitTime)))

        let second = try await source.fetch(logger: logs.logger)
        #expect(second.cache == .upToDate)
        #expect(second.stats == TransferStats())
        #expect(second.revision == first.revision)

        try setup.fixture.delete("apps/podinfo/config.json")
        try setup.fixture.write("apps/podinfo/extra.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: extra\n  namespace: test\n")
        let next = try setup.fixture.commit("Replace config with a secret")
        let third = try await source.fetch(logger: logs.logger)
        #expect(third.cache == .fetched)
        #expect(third.revision.commit == next)
        #expect(third.stats.receivedObjects > 0)
        #expect(third.stats.receivedObjects < first.stats.receivedObjects)
        #expect(third.revision.commitTime == Date(timeIntervalSince1970: TimeInterval(GitFixture.firstCommitTime + 60)))

        let now = try await source.manifests(at: third.revision, path: "apps/podinfo", logger: logs.logger)
        #expect(now.manifests.refs == ["Canary/test/podinfo", "Deployment/test/podinfo", "Secret/test/extra", "Service/test/podinfo"])
        // The old revision is still readable from the cache (the engine may compare revisions).
        let before = try await source.manifests(at: first.revision, path: "apps/podinfo", logger: logs.logger)
        #expect(before.manifests.refs.contains("ConfigMap/test/podinfo-config"))
    }

    @Test("branches, both tag kinds, full and abbreviated commits, full ref names")
    func refs() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let f = setup.fixture
        try f.git("tag", "light")
        try f.git("tag", "-a", "v1.0.0", "-m", "release 1")
        try f.git("checkout", "-q", "-b", "feature")
        try f.write("apps/podinfo/feature.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: feature\n")
        let feature = try f.commit("Feature work")
        try f.git("checkout", "-q", "main")
        let logger = CapturedLogs().logger

        let byBranch = try await setup.source(ref: "feature").fetch(logger: logger)
        #expect(byBranch.revision.commit == feature)
        #expect(byBranch.revision.resolvedRef == "refs/heads/feature")

        let annotated = try await setup.source(ref: "v1.0.0").fetch(logger: logger)
        #expect(annotated.revision.commit == setup.firstCommit)  // peeled to the commit, not the tag object
        #expect(annotated.revision.resolvedRef == "refs/tags/v1.0.0")
        #expect(annotated.cache == .upToDate)  // the commit was already cached by the feature fetch

        let light = try await setup.source(ref: "light").fetch(logger: logger)
        #expect(light.revision.commit == setup.firstCommit)
        #expect(light.revision.resolvedRef == "refs/tags/light")

        let full = try await setup.source(ref: "refs/heads/main").fetch(logger: logger)
        #expect(full.revision.commit == setup.firstCommit)

        let byCommit = try await setup.source(ref: feature).fetch(logger: logger)
        #expect(byCommit.revision.commit == feature)
        #expect(byCommit.revision.resolvedRef == feature)

        let abbreviated = try await setup.source(ref: String(setup.firstCommit.prefix(7))).fetch(logger: logger)
        #expect(abbreviated.revision.commit == setup.firstCommit)
    }

    @Test("an unknown ref names the ref and lists the nearest branches and tags")
    func unknownRef() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.git("branch", "maint")
        try setup.fixture.git("branch", "release-1.x")
        try setup.fixture.git("tag", "v1.0.0")
        let error = await expectGitSourceError { _ = try await setup.source(ref: "mian").fetch(logger: CapturedLogs().logger) }
        #expect(error?.code == .unknownRef)
        let message = error?.message ?? ""
        #expect(message.contains("ref 'mian' is not a branch, tag or commit of \(setup.fixture.work)"))
        #expect(message.contains("nearest branches: main, maint"))
        #expect(message.contains("nearest tags: v1.0.0"))

        let commitError = await expectGitSourceError { _ = try await setup.source(ref: "deadbeef").fetch(logger: CapturedLogs().logger) }
        #expect(commitError?.code == .unknownRef)
        #expect(commitError?.message.contains("'deadbeef'") == true)
    }

    @Test("a bare local repository and a file:// URL are read like any remote")
    func bareAndFileURL() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let bare = try setup.fixture.publish()
        let logger = CapturedLogs().logger
        let byPath = try await setup.source(repository: bare).fetch(logger: logger)
        #expect(byPath.revision.commit == setup.firstCommit)
        let byURL = try await setup.source(repository: "file://" + bare).fetch(logger: logger)
        #expect(byURL.revision.commit == setup.firstCommit)
        #expect(byURL.cache == .cloned)  // a different URL spelling is a different cache entry
    }
}
