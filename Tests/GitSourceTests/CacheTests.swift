import Foundation
import Testing
import TestSupport

@testable import GitSource

@Suite("The shared cache")
struct CacheTests {
    @Test("two concurrent fetches into one cache both succeed and leave it usable")
    func concurrent() async throws {
        let d = try DaemonSetup()
        defer { d.tearDown() }
        let logger = CapturedLogs().logger
        let a = try d.source(), b = try d.source()
        async let first = a.fetch(logger: logger)
        async let second = b.fetch(logger: logger)
        let results = try await [first, second]
        #expect(results.allSatisfy { $0.revision.commit == d.setup.firstCommit })
        #expect(Set(results.map(\.cache)) == [.cloned, .upToDate])
        // Readers share the lock; many at once.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await a.manifests(at: results[0].revision, logger: logger).manifests.count } }
            for try await count in group { #expect(count == 8) }
        }
        let after = try await a.fetch(logger: logger)
        #expect(after.cache == .upToDate)
    }

    @Test("a cache that cannot be opened is removed and cloned again",
          arguments: ["HEAD", "refs"])
    func unopenable(damaged: String) async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logs = CapturedLogs()
        let source = try setup.source()
        _ = try await source.fetch(logger: logs.logger)
        let repo = RepositoryCache(root: setup.cache, key: source.repository.cacheKey).repositoryPath
        try FileManager.default.removeItem(atPath: repo + "/" + damaged)
        let again = try await source.fetch(logger: logs.logger)
        #expect(again.cache == .recloned)
        #expect(again.revision.commit == setup.firstCommit)
        #expect(logs.all.contains("git cache cannot be opened; cloning again"))
    }

    @Test("a cache whose objects are missing or damaged is detected and cloned again")
    func missingObjects() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let logs = CapturedLogs()
        let source = try setup.source()
        _ = try await source.fetch(logger: logs.logger)
        let repo = RepositoryCache(root: setup.cache, key: source.repository.cacheKey).repositoryPath
        let packDir = repo + "/objects/pack"
        for file in try FileManager.default.contentsOfDirectory(atPath: packDir) where file.hasSuffix(".pack") {
            try Data(repeating: 0x42, count: 64).write(to: URL(fileURLWithPath: packDir + "/" + file))
        }
        let again = try await source.fetch(logger: logs.logger)
        #expect(again.cache == .recloned)
        #expect(again.revision.commit == setup.firstCommit)
        let set = try await source.manifests(at: again.revision, logger: logs.logger)
        #expect(set.manifests.count == 8)
        #expect(logs.all.contains("git cache is damaged; cloning again"))
    }

    @Test("the default cache directory honours XDG_CACHE_HOME, else the temp dir")
    func defaultDirectory() {
        #expect(GitSource.defaultCacheDirectory(environment: ["XDG_CACHE_HOME": "/var/cache/x"]) == "/var/cache/x/gitcanary/git")
        #expect(GitSource.defaultCacheDirectory(environment: [:]).hasSuffix("gitcanary-cache/git"))
    }
}
