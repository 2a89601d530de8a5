import Foundation
import Testing
import TestSupport

@testable import GitSource

/// A published fixture served over `ssh://` by a real OpenSSH server on 127.0.0.1.
struct SSHSetup {
    let setup: LocalSetup
    let ssh: GitSSHServer
    let url: String

    init() throws {
        setup = try LocalSetup()
        let served = try setup.fixture.publish()
        ssh = try GitSSHServer.start(directory: try setup.fixture.scratch("ssh"))
        url = ssh.url(repositoryPath: served)
    }

    func source(
        key: String? = nil, passphrase: String? = nil, knownHosts: String? = nil, insecure: Bool = false, ref: String? = "main"
    ) throws -> GitSource {
        let credentials = GitCredentials(
            sshKeyFile: key ?? ssh.clientKey, sshPassphrase: passphrase, knownHostsFile: knownHosts ?? ssh.knownHosts,
            insecureSkipHostKeyCheck: insecure)
        return try setup.source(ref: ref, repository: url, credentials: credentials)
    }

    func tearDown() {
        ssh.stop()
        setup.fixture.remove()
    }
}

@Suite("Remotes over ssh:// (OpenSSH on loopback)", .enabled(if: GitSSHServer.isAvailable, "needs /usr/sbin/sshd (scripts/setup installs openssh-server)"))
struct SSHTransportTests {
    @Test("a key and known_hosts: clone, no-change run transfers 0 objects, a new commit is picked up")
    func cloneAndFetch() async throws {
        let s = try SSHSetup()
        defer { s.tearDown() }
        let logs = CapturedLogs()
        let first = try await s.source().fetch(logger: logs.logger)
        #expect(first.cache == .cloned)
        #expect(first.revision.commit == s.setup.firstCommit)
        let set = try await s.source().manifests(at: first.revision, path: "", logger: logs.logger)
        #expect(!set.manifests.isEmpty)

        let again = try await s.source().fetch(logger: logs.logger)
        #expect(again.cache == .upToDate)
        #expect(again.stats.receivedObjects == 0 && again.stats.receivedBytes == 0)

        let f = s.setup.fixture
        try f.write("apps/podinfo/over-ssh.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: over-ssh\n  namespace: test\n")
        let next = try f.commit("Over SSH")
        try f.publish()
        let third = try await s.source().fetch(logger: logs.logger)
        #expect(third.cache == .fetched)
        #expect(third.revision.commit == next)
        #expect(third.stats.receivedObjects > 0)
    }

    @Test("a passphrase-protected key works with its passphrase; a wrong passphrase is an authentication error naming the key")
    func passphrase() async throws {
        let s = try SSHSetup()
        defer { s.tearDown() }
        let ok = try await s.source(key: s.ssh.passphraseKey, passphrase: s.ssh.passphrase).fetch(logger: CapturedLogs().logger)
        #expect(ok.revision.commit == s.setup.firstCommit)

        let wrong = "not-the-passphrase-\(UUID().uuidString.prefix(6))"
        let error = await expectGitSourceError {
            _ = try await s.source(key: s.ssh.passphraseKey, passphrase: wrong).fetch(logger: CapturedLogs().logger)
        }
        #expect(error?.code == .authentication)
        #expect(error?.message.contains("cannot use the SSH key \(s.ssh.passphraseKey)") == true)
        #expect(error?.description.contains(wrong) == false)
        #expect(error?.description.contains(s.ssh.passphrase) == false)
    }

    @Test("a key the server does not accept names the key file and the user")
    func rejectedKey() async throws {
        let s = try SSHSetup()
        defer { s.tearDown() }
        let error = await expectGitSourceError { _ = try await s.source(key: s.ssh.strangerKey).fetch(logger: CapturedLogs().logger) }
        #expect(error?.code == .authentication)
        #expect(error?.message == "authentication to \(s.url) failed: the SSH server rejected the key from \(s.ssh.strangerKey) (user \(s.ssh.user))")
    }

    @Test("an unknown host is refused unless the insecure flag is given")
    func unknownHost() async throws {
        let s = try SSHSetup()
        defer { s.tearDown() }
        let error = await expectGitSourceError {
            _ = try await s.source(knownHosts: s.ssh.unrelatedKnownHosts).fetch(logger: CapturedLogs().logger)
        }
        #expect(error?.code == .hostKey)
        #expect(error?.message.contains("host [127.0.0.1]:\(s.ssh.port) is not in known_hosts; add its key (ssh-keyscan) or pass --git-insecure-skip-host-key-check") == true)

        let insecure = try await s.source(knownHosts: s.ssh.unrelatedKnownHosts, insecure: true).fetch(logger: CapturedLogs().logger)
        #expect(insecure.revision.commit == s.setup.firstCommit)
    }

    @Test("a host key that contradicts known_hosts is refused, even with the insecure flag")
    func mismatchedHostKey() async throws {
        let s = try SSHSetup()
        defer { s.tearDown() }
        for insecure in [false, true] {
            let error = await expectGitSourceError {
                _ = try await s.source(knownHosts: s.ssh.wrongKnownHosts, insecure: insecure).fetch(logger: CapturedLogs().logger)
            }
            #expect(error?.code == .hostKey)
            #expect(error?.message.contains("does not match known_hosts: refusing to connect") == true)
        }
    }

    @Test("no key configured: the error says a key is needed and how to give one")
    func noKey() async throws {
        let s = try SSHSetup()
        defer { s.tearDown() }
        let credentials = GitCredentials(knownHostsFile: s.ssh.knownHosts)
        let error = await expectGitSourceError {
            _ = try await s.setup.source(ref: "main", repository: s.url, credentials: credentials).fetch(logger: CapturedLogs().logger)
        }
        #expect(error?.code == .authentication)
        #expect(error?.message.contains("set --git-ssh-key-file or an `identity` file in --git-credentials-dir") == true)
    }
}
