import Foundation
import Testing
import TestSupport

@testable import GitSource

/// SSH is covered here by unit tests of the known_hosts and credential logic: no sshd is installed on the test
/// machines (openssh-server is not in scripts/setup), so no loopback SSH server can be started.
@Suite("Credentials, known_hosts and URLs")
struct AuthTests {
    static let key = Array("AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl".utf8)
    static var keyBytes: [UInt8] { Array(Data(base64Encoded: String(decoding: key, as: UTF8.self)) ?? Data()) }
    static let otherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIBzTOwsBnLAK3H7pDLgh1Zw2ZYZ1aSMcnYnqZ9+xQZ9Y"

    @Test("SHA-1 and HMAC-SHA1 match their published test vectors")
    func sha1() {
        let hex = { (b: [UInt8]) in b.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))) == "b617318655057264e28bc0b6fb378c8ef146be00")
    }

    @Test("known_hosts: plain names, [host]:port, wildcards, negation, mismatch, revoked")
    func knownHosts() {
        let k = String(decoding: AuthTests.key, as: UTF8.self)
        let file = KnownHosts(text: """
            # comment
            git.example.com,10.0.0.1 ssh-ed25519 \(k)
            [git.example.com]:2222 ssh-ed25519 \(AuthTests.otherKey)
            *.corp.example ssh-ed25519 \(k)
            !bad.corp.example,*.corp.example ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7
            @revoked revoked.example.com ssh-ed25519 \(k)
            @cert-authority *.example.com ssh-ed25519 \(AuthTests.otherKey)
            garbage line
            """)
        let key = AuthTests.keyBytes
        #expect(file.verify(host: "git.example.com", port: nil, keyType: "ssh-ed25519", key: key) == .trusted)
        #expect(file.verify(host: "git.example.com", port: 22, keyType: "ssh-ed25519", key: key) == .trusted)
        #expect(file.verify(host: "GIT.example.com", port: nil, keyType: "ssh-ed25519", key: key) == .trusted)
        #expect(file.verify(host: "git.example.com", port: 2222, keyType: "ssh-ed25519", key: key) == .mismatch)
        #expect(file.verify(host: "a.corp.example", port: nil, keyType: "ssh-ed25519", key: key) == .trusted)
        #expect(file.verify(host: "bad.corp.example", port: nil, keyType: "ssh-ed25519", key: key) == .trusted)  // via the wildcard line
        #expect(file.verify(host: "revoked.example.com", port: nil, keyType: "ssh-ed25519", key: key) == .revoked)
        #expect(file.verify(host: "unknown.example.com", port: nil, keyType: "ssh-ed25519", key: key) == .unknown)
        #expect(KnownHosts.glob("*.corp.example", "x.y.corp.example"))
        #expect(!KnownHosts.glob("?.corp.example", "xy.corp.example"))
    }

    @Test("hashed known_hosts entries written by ssh-keygen -H are matched",
          .enabled(if: GitTestProcess.which("ssh-keygen") != nil))
    func hashedKnownHosts() throws {
        let dir = NSTemporaryDirectory() + "gitcanary-kh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/known_hosts"
        try "git.example.com ssh-ed25519 \(String(decoding: AuthTests.key, as: UTF8.self))\n[git.example.com]:2222 ssh-ed25519 \(AuthTests.otherKey)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        try GitTestProcess.run("ssh-keygen", ["-H", "-f", path])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("|1|"))
        let file = KnownHosts(text: text)
        #expect(file.verify(host: "git.example.com", port: nil, keyType: "ssh-ed25519", key: AuthTests.keyBytes) == .trusted)
        #expect(file.verify(host: "git.example.com", port: 2222, keyType: "ssh-ed25519", key: AuthTests.keyBytes) == .mismatch)
        #expect(file.verify(host: "other.example.com", port: nil, keyType: "ssh-ed25519", key: AuthTests.keyBytes) == .unknown)
    }

    @Test("host key decisions: unknown hosts refused unless insecure; a mismatch is refused even then")
    func hostKeyDecisions() throws {
        let known = KnownHosts(text: "git.example.com ssh-ed25519 \(AuthTests.otherKey)\n")
        func state(insecure: Bool, knownHosts: KnownHosts?) -> RemoteCallbackState {
            RemoteCallbackState(
                credentials: GitCredentials(insecureSkipHostKeyCheck: insecure), knownHosts: knownHosts,
                host: "git.example.com", port: nil, deadline: nil, displayURL: "ssh://git@git.example.com/repo.git")
        }
        let strict = state(insecure: false, knownHosts: nil)
        #expect(strict.hostKeyDecision(keyType: "ssh-ed25519", key: AuthTests.keyBytes) < 0)
        let insecure = state(insecure: true, knownHosts: nil)
        #expect(insecure.hostKeyDecision(keyType: "ssh-ed25519", key: AuthTests.keyBytes) == 0)
        let mismatch = state(insecure: true, knownHosts: known)
        #expect(mismatch.hostKeyDecision(keyType: "ssh-ed25519", key: AuthTests.keyBytes) < 0)
        let error = mismatch.networkError(GitCallError(function: "git_remote_connect", code: -17, errorClass: 0, message: "user rejected certificate"), timeout: nil)
        #expect(error.code == .hostKey)
        #expect(error.message == "cannot verify the SSH server of ssh://git@git.example.com/repo.git: the host key of git.example.com does not match known_hosts: refusing to connect (possible man-in-the-middle)")
        let trusted = state(insecure: false, knownHosts: KnownHosts(text: "git.example.com ssh-ed25519 \(String(decoding: AuthTests.key, as: UTF8.self))\n"))
        #expect(trusted.hostKeyDecision(keyType: "ssh-ed25519", key: AuthTests.keyBytes) == 0)
        let unknown = state(insecure: false, knownHosts: known)
        _ = unknown.hostKeyDecision(keyType: "ssh-ed25519", key: Array(AuthTests.keyBytes.reversed()))
        let unknownError = unknown.networkError(GitCallError(function: "git_remote_connect", code: -17, errorClass: 0, message: "x"), timeout: nil)
        #expect(unknownError.message.contains("does not match known_hosts"))  // same type, other key: a mismatch
    }

    @Test("credentials from a mounted directory and the environment; the description never shows a secret")
    func credentials() throws {
        let dir = NSTemporaryDirectory() + "gitcanary-creds-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "robot\n".write(toFile: dir + "/username", atomically: true, encoding: .utf8)
        try "dir-secret\n".write(toFile: dir + "/password", atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----\n".write(toFile: dir + "/ca.crt", atomically: true, encoding: .utf8)
        try "key".write(toFile: dir + "/identity", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/known_hosts", atomically: true, encoding: .utf8)

        let fromDir = try GitCredentials.load(environment: [:], directory: dir)
        #expect(fromDir.username == "robot" && fromDir.password == "dir-secret")
        #expect(fromDir.httpSource == "credentials directory \(dir) (username, password)")
        #expect(fromDir.caFile == dir + "/ca.crt" && fromDir.sshKeyFile == dir + "/identity" && fromDir.knownHostsFile == dir + "/known_hosts")

        let both = try GitCredentials.load(environment: ["GITCANARY_GIT_TOKEN": "env-token"], directory: dir)
        #expect(both.token == "env-token")
        #expect(both.httpSource == "credentials directory \(dir) (username, password) and environment variables GITCANARY_GIT_TOKEN")
        #expect(!both.description.contains("dir-secret") && !both.description.contains("env-token"))

        let missing = #expect(throws: GitSourceError.self) { try GitCredentials.load(environment: [:], directory: dir + "/nope") }
        #expect(missing?.code == .invalidConfiguration)
        let badKey = #expect(throws: GitSourceError.self) { try GitCredentials.load(environment: [:], directory: nil, sshKeyFile: "/nonexistent/key") }
        #expect(badKey?.message == "cannot read /nonexistent/key")
    }

    @Test("repository locations: schemes, scp-like, local paths, credentials stripped, stable cache keys")
    func locations() throws {
        let https = try RepositoryLocation("https://robot:hunter2@git.example.com:8443/team/deploy.git")
        #expect(https.scheme == .https && https.host == "git.example.com" && https.port == 8443)
        #expect(https.redacted == "https://git.example.com:8443/team/deploy.git")
        #expect(https.cacheKey == (try RepositoryLocation("https://git.example.com:8443/team/deploy.git")).cacheKey)
        #expect(https.cacheKey.hasPrefix("deploy-"))
        let token = try RepositoryLocation("https://ghp_secret@github.com/o/r")
        #expect(token.redacted == "https://github.com/o/r")
        let ssh = try RepositoryLocation("ssh://git@git.example.com:2222/team/deploy.git")
        #expect(ssh.scheme == .ssh && ssh.port == 2222 && ssh.redacted == "ssh://git@git.example.com:2222/team/deploy.git")
        let scp = try RepositoryLocation("git@github.com:team/deploy.git")
        #expect(scp.scheme == .ssh && scp.host == "github.com")
        let local = try RepositoryLocation("repos/deploy", currentDirectory: "/srv")
        #expect(local.scheme == .file && local.redacted == "/srv/repos/deploy")
        #expect(throws: GitSourceError.self) { try RepositoryLocation("ftp://example.com/x") }
        #expect(throws: GitSourceError.self) { try RepositoryLocation("") }
        #expect(RepositoryLocation.redact("failed for https://robot:hunter2@git.example.com:8443/team/deploy.git", location: https) == "failed for https://git.example.com:8443/team/deploy.git")
    }

    @Test("nearest refs: edit distance first, substrings favoured")
    func nearest() {
        let id = ObjectID(hex: String(repeating: "a", count: 40))!
        let heads = ["refs/heads/main", "refs/heads/maint", "refs/heads/feature/login", "refs/tags/v1.0.0", "refs/tags/v1.0.0^{}", "refs/tags/v2.0.0"]
            .map { RemoteHead(name: $0, id: id, symrefTarget: nil) }
        let resolver = RefResolver(heads: heads)
        #expect(resolver.nearest("mian", prefix: "refs/heads/") == ["main", "maint", "feature/login"])
        #expect(resolver.nearest("v1.0", prefix: "refs/tags/") == ["v1.0.0", "v2.0.0"])
        #expect(RefResolver.editDistance("kitten", "sitting") == 3)
    }
}
