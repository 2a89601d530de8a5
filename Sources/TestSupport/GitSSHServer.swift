import Foundation

/// An OpenSSH server on 127.0.0.1 serving Git over `ssh://` for tests: its own host key, a client key (and a
/// passphrase-protected one) allowed in its `authorized_keys`, and a `known_hosts` file naming it.
///
/// The server runs `/usr/sbin/sshd` with a private configuration (no PAM, public keys only, only the current
/// user); the remote command is the user's login shell running `git-upload-pack`, as with any Git host over SSH.
/// sshd is left to daemonize (and is stopped through its pid file): it closes every inherited descriptor at start,
/// which Foundation's `Process` takes for the child's exit and then blocks its monitor thread in `wait4` on a
/// process that is still running.
public struct GitSSHServer: Sendable {
    /// The daemon's process id (stopped with ``stop()``).
    public let pid: pid_t
    /// The loopback port.
    public let port: Int
    /// The server's log.
    public let logFile: String
    /// The local user the server lets in.
    public let user: String
    /// Private key allowed to log in.
    public let clientKey: String
    /// Private key allowed to log in, protected by ``passphrase``.
    public let passphraseKey: String
    /// The passphrase of ``passphraseKey``.
    public let passphrase: String
    /// A key the server does not know.
    public let strangerKey: String
    /// `known_hosts` with the server's real host key for `[127.0.0.1]:port`.
    public let knownHosts: String
    /// `known_hosts` with a different key for `[127.0.0.1]:port` (a man in the middle).
    public let wrongKnownHosts: String
    /// `known_hosts` that does not mention the server.
    public let unrelatedKnownHosts: String

    /// The `ssh://` URL of a repository at an absolute path on this machine.
    public func url(repositoryPath: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(repositoryPath)" }

    /// Whether `sshd` is installed (scripts/setup installs `openssh-server`).
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    /// Creates keys and configuration in `directory` and starts the server on a free port.
    public static func start(directory: String) throws -> GitSSHServer {
        func keygen(_ name: String, type: String = "ed25519", passphrase: String = "") throws -> String {
            let path = directory + "/" + name
            try GitTestProcess.run("ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-C", name, "-f", path])
            return path
        }
        func publicKey(_ privateKey: String) throws -> String {
            let line = try String(contentsOfFile: privateKey + ".pub", encoding: .utf8)
            return line.split(separator: " ").prefix(2).joined(separator: " ")
        }
        let hostKey = try keygen("host_key"), impostor = try keygen("impostor_host_key")
        let clientKey = try keygen("client_key"), stranger = try keygen("stranger_key", type: "rsa")
        let passphrase = "ssh-pass-\(UUID().uuidString.prefix(8))"
        let passphraseKey = try keygen("passphrase_key", passphrase: passphrase)
        let authorized = directory + "/authorized_keys"
        try [clientKey, passphraseKey].map { try publicKey($0) }.joined(separator: "\n").appending("\n")
            .write(toFile: authorized, atomically: true, encoding: .utf8)
        let user = currentUser()
        if geteuid() == 0 {
            // sshd started by root needs its privilege-separation directory.
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        for _ in 0..<10 {
            let port = GitTestProcess.randomPort()
            let config = directory + "/sshd_config-\(port)"
            try """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(hostKey)
                PidFile \(directory)/sshd-\(port).pid
                AuthorizedKeysFile \(authorized)
                StrictModes no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                UsePAM no
                PermitRootLogin prohibit-password
                AllowUsers \(user)
                PrintMotd no

                """.write(toFile: config, atomically: true, encoding: .utf8)
            let logFile = directory + "/sshd-\(port).log", pidFile = directory + "/sshd-\(port).pid"
            // Exits non-zero when the port is taken: try another.
            guard (try? GitTestProcess.run("/usr/sbin/sshd", ["-f", config, "-E", logFile])) != nil,
                let pid = try waitForPID(pidFile, port: port)
            else { continue }
            let name = "[127.0.0.1]:\(port)"
            func knownHostsFile(_ file: String, _ line: String) throws -> String {
                try (line + "\n").write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
                return directory + "/" + file
            }
            return GitSSHServer(
                pid: pid, port: port, logFile: logFile, user: user, clientKey: clientKey, passphraseKey: passphraseKey, passphrase: passphrase,
                strangerKey: stranger,
                knownHosts: try knownHostsFile("known_hosts", "\(name) \(try publicKey(hostKey))"),
                wrongKnownHosts: try knownHostsFile("known_hosts_wrong", "\(name) \(try publicKey(impostor))"),
                unrelatedKnownHosts: try knownHostsFile("known_hosts_other", "git.example.com \(try publicKey(hostKey))"))
        }
        throw GitTestProcess.Failure(command: "sshd", status: -1, stderr: "no free port after 10 tries")
    }

    /// Stops the server (SIGKILL: signals other than KILL may be blocked in a daemon started from a test thread).
    public func stop() { kill(pid, SIGKILL) }

    /// The daemon's pid once it listens on `port`, or `nil` if it did not come up within 10 s.
    private static func waitForPID(_ pidFile: String, port: Int) throws -> pid_t? {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), GitTestProcess.isListening(port: port)
            {
                return pid
            }
            usleep(20_000)
        }
        return nil
    }

    private static func currentUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}
