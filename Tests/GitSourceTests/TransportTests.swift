import Foundation
import Testing
import TestSupport

@testable import GitSource

/// A published fixture served over `git://` by `git daemon` on 127.0.0.1.
struct DaemonSetup {
    let setup: LocalSetup
    let daemon: GitTestServer
    let url: String

    init() throws {
        setup = try LocalSetup()
        try setup.fixture.publish()
        let logs = try setup.fixture.scratch("logs")
        daemon = try GitServers.daemon(basePath: setup.fixture.servedRoot, logDirectory: logs)
        url = "git://127.0.0.1:\(daemon.port)/repo.git"
    }

    func source(ref: String? = nil, timeout: Duration? = .seconds(20)) throws -> GitSource {
        try setup.source(ref: ref, repository: url, timeout: timeout)
    }

    func tearDown() {
        daemon.stop()
        setup.fixture.remove()
    }
}

@Suite("Remotes over git://, http:// and https://")
struct TransportTests {
    @Test("git daemon: clone, no-change run transfers 0 objects, new commit picked up, only the ref's objects fetched")
    func gitDaemon() async throws {
        let d = try DaemonSetup()
        defer { d.tearDown() }
        let f = d.setup.fixture
        try f.git("checkout", "-q", "-b", "side")
        try f.write("side.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: side\n")
        let side = try f.commit("Side branch")
        try f.git("checkout", "-q", "main")
        try f.publish()
        let logger = CapturedLogs().logger

        let first = try await d.source().fetch(logger: logger)
        #expect(first.cache == .cloned)
        #expect(first.revision.commit == d.setup.firstCommit)
        let again = try await d.source().fetch(logger: logger)
        #expect(again.cache == .upToDate)
        #expect(again.stats.receivedObjects == 0 && again.stats.receivedBytes == 0)

        // Only main was fetched: the side commit is not in the cache until asked for (by an abbreviated id).
        let bySide = try await d.source(ref: String(side.prefix(10))).fetch(logger: logger)
        #expect(bySide.cache == .fetched)
        #expect(bySide.revision.commit == side)

        try f.write("apps/podinfo/new.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n  namespace: test\n")
        let next = try f.commit("New config")
        try f.publish()
        let third = try await d.source().fetch(logger: logger)
        #expect(third.cache == .fetched)
        #expect(third.revision.commit == next)
        let set = try await d.source().manifests(at: third.revision, path: "apps/podinfo", logger: logger)
        #expect(set.manifests.refs.contains("ConfigMap/test/new"))
    }

    @Test("a repository the daemon does not have names the URL and the cause")
    func missingRepository() async throws {
        let d = try DaemonSetup()
        defer { d.tearDown() }
        let url = "git://127.0.0.1:\(d.daemon.port)/nope.git"
        let error = await expectGitSourceError { _ = try await d.setup.source(repository: url).fetch(logger: CapturedLogs().logger) }
        #expect(error?.code == .unreachable)
        #expect(error?.message.hasPrefix("cannot reach \(url): ") == true)
    }

    @Test("an unreachable remote names the URL (credentials stripped) and the cause")
    func unreachable() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let port = try closedPort()
        let error = await expectGitSourceError {
            _ = try await setup.source(repository: "https://robot:hunter2@localhost:\(port)/team/deploy.git").fetch(logger: CapturedLogs().logger)
        }
        #expect(error?.code == .unreachable)
        let text = error?.description ?? ""
        #expect(text.hasPrefix("cannot reach https://localhost:\(port)/team/deploy.git: "))
        #expect(!text.contains("hunter2") && !text.contains("robot"))
    }

    @Test("a remote that accepts and never answers fails at the time limit")
    func timeout() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        let listener = try SilentListener()
        defer { listener.close() }
        let error = await expectGitSourceError {
            _ = try await setup.source(repository: "git://127.0.0.1:\(listener.port)/repo.git", timeout: .milliseconds(700)).fetch(logger: CapturedLogs().logger)
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("did not finish within 0.7s") == true)
    }

    @Test("smart HTTP through git http-backend")
    func smartHTTP() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.publish()
        let server = try GitServers.http(projectRoot: setup.fixture.servedRoot, logDirectory: try setup.fixture.scratch("logs"))
        defer { server.stop() }
        let source = try setup.source(ref: "main", repository: "http://127.0.0.1:\(server.port)/repo.git")
        let logger = CapturedLogs().logger
        let first = try await source.fetch(logger: logger)
        #expect(first.revision.commit == setup.firstCommit)
        #expect(first.stats.receivedObjects > 0)
        let second = try await source.fetch(logger: logger)
        #expect(second.cache == .upToDate)
        #expect(second.stats.receivedObjects == 0)
        let set = try await source.manifests(at: second.revision, path: "apps/podinfo", logger: logger)
        #expect(set.manifests.count == 4)
    }

    @Test("HTTPS with a custom CA; without it the certificate error says what to do")
    func https() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.publish()
        let logs = try setup.fixture.scratch("logs")
        let certs = try GitTestCertificates(directory: try setup.fixture.scratch("certs"))
        let backend = try GitServers.http(projectRoot: setup.fixture.servedRoot, logDirectory: logs)
        defer { backend.stop() }
        let tls = try GitServers.tls(backendPort: backend.port, certificates: certs, logDirectory: logs)
        defer { tls.stop() }
        let url = "https://localhost:\(tls.port)/repo.git"
        let logger = CapturedLogs().logger

        let untrusted = await expectGitSourceError { _ = try await setup.source(repository: url).fetch(logger: logger) }
        #expect(untrusted?.code == .certificate)
        #expect(untrusted?.message.contains("TLS certificate of \(url) could not be verified; pass the CA bundle with --git-ca-file") == true)

        let trusted = try await setup.source(repository: url, credentials: GitCredentials(caFile: certs.caCertificate)).fetch(logger: logger)
        #expect(trusted.revision.commit == setup.firstCommit)
        #expect(trusted.cache == .cloned)
    }

    @Test("basic auth: accepted from the environment, rejected with the source named, missing credentials explained")
    func basicAuth() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.publish()
        let logs = try setup.fixture.scratch("logs")
        let server = try GitServers.http(projectRoot: setup.fixture.servedRoot, logDirectory: logs, username: "robot", password: "s3cret-pass")
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/repo.git"
        let captured = CapturedLogs()

        let none = await expectGitSourceError { _ = try await setup.source(repository: url).fetch(logger: captured.logger) }
        #expect(none?.code == .authentication)
        #expect(none?.message.contains("authentication to \(url) failed: the server asks for credentials and none are configured") == true)

        let dir = try setup.fixture.scratch("creds")
        try "robot\n".write(toFile: dir + "/username", atomically: true, encoding: .utf8)
        try "wrong-pass\n".write(toFile: dir + "/password", atomically: true, encoding: .utf8)
        let wrongCreds = try GitCredentials.load(environment: [:], directory: dir)
        let wrong = await expectGitSourceError { _ = try await setup.source(repository: url, credentials: wrongCreds).fetch(logger: captured.logger) }
        #expect(wrong?.code == .authentication)
        #expect(wrong?.message == "authentication to \(url) failed: the server rejected the credentials from credentials directory \(dir) (username, password)")
        #expect(wrong?.description.contains("wrong-pass") == false)

        let envCreds = try GitCredentials.load(environment: ["GITCANARY_GIT_USERNAME": "robot", "GITCANARY_GIT_PASSWORD": "s3cret-pass"], directory: nil)
        let ok = try await setup.source(repository: url, credentials: envCreds).fetch(logger: captured.logger)
        #expect(ok.revision.commit == setup.firstCommit)
        #expect(!captured.all.contains("s3cret-pass") && !captured.all.contains("wrong-pass"))
    }
}

extension TransportTests {
    @Test("a token from the environment is sent as the password of x-access-token")
    func token() async throws {
        let setup = try LocalSetup()
        defer { setup.fixture.remove() }
        try setup.fixture.publish()
        let server = try GitServers.http(
            projectRoot: setup.fixture.servedRoot, logDirectory: try setup.fixture.scratch("logs"), username: "x-access-token", password: "tok-123")
        defer { server.stop() }
        let credentials = try GitCredentials.load(environment: ["GITCANARY_GIT_TOKEN": "tok-123"], directory: nil)
        let result = try await setup.source(repository: "http://127.0.0.1:\(server.port)/repo.git", credentials: credentials).fetch(logger: CapturedLogs().logger)
        #expect(result.revision.commit == setup.firstCommit)
    }
}

/// A port nothing listens on (bound, then closed).
func closedPort() throws -> Int {
    let listener = try SilentListener()
    let port = listener.port
    listener.close()
    return port
}

/// A TCP listener on 127.0.0.1 that never accepts: connections complete in the kernel and then hang.
final class SilentListener: @unchecked Sendable {
    // @unchecked: fd is only closed once, by the test that owns it.
    private var fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var out = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &out) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: out.sin_port))
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }
}
