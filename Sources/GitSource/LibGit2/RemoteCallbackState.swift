internal import CGit2

/// State shared with libgit2's remote callbacks (credentials, host key check, progress and deadline) through the
/// `payload` pointer. The C callbacks capture nothing; they recover this object with `Unmanaged`.
///
/// Used by one blocking worker thread at a time; the ``GitRemote`` that registers it keeps it alive.
final class RemoteCallbackState {
    let credentials: GitCredentials
    let knownHosts: KnownHosts?
    let host: String
    let port: Int?
    let deadline: ContinuousClock.Instant?
    let displayURL: String

    /// What the callbacks saw, to turn libgit2's generic failures into actionable errors.
    private(set) var attempts: [UInt32: Int] = [:]
    private(set) var authFailure: String?
    private(set) var hostKeyFailure: (GitSourceError.Code, String)?
    private(set) var certificateInvalid = false
    private(set) var timedOut = false

    init(credentials: GitCredentials, knownHosts: KnownHosts?, host: String, port: Int?, deadline: ContinuousClock.Instant?, displayURL: String) {
        self.credentials = credentials
        self.knownHosts = knownHosts
        self.host = host
        self.port = port
        self.deadline = deadline
        self.displayURL = displayURL
    }

    /// The callbacks structure pointing back at this object.
    func makeCallbacks() -> git_remote_callbacks {
        var cb = git_remote_callbacks()
        git_remote_init_callbacks(&cb, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        cb.payload = Unmanaged.passUnretained(self).toOpaque()
        cb.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let out, let payload else { return -1 }
            let state = Unmanaged<RemoteCallbackState>.fromOpaque(payload).takeUnretainedValue()
            return state.acquire(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        cb.certificate_check = { cert, valid, _, payload in
            guard let cert, let payload else { return -1 }
            let state = Unmanaged<RemoteCallbackState>.fromOpaque(payload).takeUnretainedValue()
            return state.check(cert, valid: valid != 0)
        }
        cb.transfer_progress = { _, payload in
            guard let payload else { return 0 }
            return Unmanaged<RemoteCallbackState>.fromOpaque(payload).takeUnretainedValue().checkDeadline()
        }
        cb.sideband_progress = { _, _, payload in
            guard let payload else { return 0 }
            return Unmanaged<RemoteCallbackState>.fromOpaque(payload).takeUnretainedValue().checkDeadline()
        }
        return cb
    }

    private func checkDeadline() -> Int32 {
        guard let deadline, ContinuousClock.now >= deadline else { return 0 }
        timedOut = true
        return GIT_EUSER.rawValue
    }

    // MARK: Credentials

    private func acquire(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32)
        -> Int32
    {
        if checkDeadline() != 0 { return GIT_EUSER.rawValue }
        let userpass = GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue, sshKey = GIT_CREDENTIAL_SSH_KEY.rawValue
        let usernameOnly = GIT_CREDENTIAL_USERNAME.rawValue
        if allowed & sshKey != 0, let keyFile = credentials.sshKeyFile {
            if bump(sshKey) > 1 {
                authFailure = "the SSH server rejected the key from \(keyFile) (user \(sshUser(usernameFromURL)))"
                return GIT_EUSER.rawValue
            }
            return git_credential_ssh_key_new(out, sshUser(usernameFromURL), nil, keyFile, credentials.sshPassphrase)
        }
        if allowed & usernameOnly != 0, credentials.sshKeyFile != nil {
            if bump(usernameOnly) > 1 { authFailure = "the SSH server rejected user \(sshUser(usernameFromURL))"; return GIT_EUSER.rawValue }
            return git_credential_username_new(out, sshUser(usernameFromURL))
        }
        if allowed & userpass != 0, let secret = credentials.token ?? credentials.password {
            let source = credentials.httpSource ?? "configured credentials"
            if bump(userpass) > 1 {
                authFailure = "the server rejected the credentials from \(source)"
                return GIT_EUSER.rawValue
            }
            let user = credentials.username ?? usernameFromURL ?? (credentials.token != nil ? "x-access-token" : "git")
            return git_credential_userpass_plaintext_new(out, user, secret)
        }
        if allowed & sshKey != 0 {
            authFailure = "the SSH server asks for a key and none is configured (tried: no SSH key; set --git-ssh-key-file or an `identity` file in --git-credentials-dir)"
        } else {
            authFailure = "the server asks for credentials and none are configured (tried: environment variables GITCANARY_GIT_USERNAME/GITCANARY_GIT_PASSWORD/GITCANARY_GIT_TOKEN and no --git-credentials-dir were set)"
        }
        return GIT_EUSER.rawValue
    }

    private func bump(_ type: UInt32) -> Int {
        attempts[type, default: 0] += 1
        return attempts[type, default: 0]
    }

    private func sshUser(_ fromURL: String?) -> String { fromURL ?? credentials.username ?? "git" }

    // MARK: Certificates and host keys

    private func check(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool) -> Int32 {
        if cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 {
            let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            return checkHostKey(hostkey)
        }
        if !valid { certificateInvalid = true }
        return GIT_PASSTHROUGH.rawValue  // honour libgit2's own TLS verification (system bundle + --git-ca-file)
    }

    private func checkHostKey(_ hostkey: git_cert_hostkey) -> Int32 {
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
            return hostKeyDecision(keyType: nil, key: nil)
        }
        let key = Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
        return hostKeyDecision(keyType: RemoteCallbackState.keyTypeName(hostkey.raw_type), key: key)
    }

    /// Decides on an SSH host key (raw wire-format bytes): 0 to accept, a negative code to refuse. A key that
    /// contradicts `known_hosts` is refused even with the insecure flag; an unknown host only without it.
    func hostKeyDecision(keyType type: String?, key: [UInt8]?) -> Int32 {
        let name = KnownHosts.hostName(host, port: port)
        guard let key else {
            hostKeyFailure = (.hostKey, "the SSH library did not provide \(name)'s host key; cannot verify it")
            return insecureOrRefuse()
        }
        guard let knownHosts else {
            hostKeyFailure = (.hostKey, "no known_hosts file is configured to verify \(name)'s \(type ?? "") host key (set --git-known-hosts-file or a `known_hosts` file in --git-credentials-dir)")
            return insecureOrRefuse()
        }
        switch knownHosts.verify(host: host, port: port, keyType: type, key: key) {
        case .trusted: return 0
        case .mismatch:
            hostKeyFailure = (.hostKey, "the host key of \(name) does not match known_hosts: refusing to connect (possible man-in-the-middle)")
            return GIT_ECERTIFICATE.rawValue  // never overridden by the insecure flag
        case .revoked:
            hostKeyFailure = (.hostKey, "the host key of \(name) is marked @revoked in known_hosts")
            return GIT_ECERTIFICATE.rawValue
        case .unknown:
            hostKeyFailure = (.hostKey, "host \(name) is not in known_hosts; add its key (ssh-keyscan) or pass --git-insecure-skip-host-key-check")
            return insecureOrRefuse()
        }
    }

    private func insecureOrRefuse() -> Int32 {
        guard credentials.insecureSkipHostKeyCheck else { return GIT_ECERTIFICATE.rawValue }
        hostKeyFailure = nil
        return 0
    }

    static func keyTypeName(_ t: git_cert_ssh_raw_type_t) -> String? {
        switch t {
        case GIT_CERT_SSH_RAW_TYPE_RSA: "ssh-rsa"
        case GIT_CERT_SSH_RAW_TYPE_DSS: "ssh-dss"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: "ecdsa-sha2-nistp256"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: "ecdsa-sha2-nistp384"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: "ecdsa-sha2-nistp521"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: "ssh-ed25519"
        default: nil
        }
    }

    /// Turns a failed network call into an actionable error using what the callbacks saw.
    func networkError(_ error: GitCallError, timeout: Duration?) -> GitSourceError {
        // When a callback aborted (GIT_EUSER), libgit2's last error message is unrelated: the state says why.
        let failure: String? = error.code == GIT_EUSER.rawValue ? nil : error.description
        if timedOut || (deadline.map { ContinuousClock.now >= $0 } ?? false) {
            return GitSourceError(.timeout, "git operation against \(displayURL) did not finish within \(timeout.map(RemoteCallbackState.format) ?? "the time limit"); raise --git-timeout or check the network", gitFailure: failure)
        }
        if let authFailure {
            return GitSourceError(.authentication, "authentication to \(displayURL) failed: \(authFailure)", gitFailure: failure)
        }
        if let (code, message) = hostKeyFailure {
            return GitSourceError(code, "cannot verify the SSH server of \(displayURL): \(message)", gitFailure: failure)
        }
        if certificateInvalid || error.code == GIT_ECERTIFICATE.rawValue || error.errorClass == Int32(GIT_ERROR_SSL.rawValue) {
            return GitSourceError(.certificate, "the TLS certificate of \(displayURL) could not be verified; pass the CA bundle with --git-ca-file or a `ca.crt` in --git-credentials-dir", gitFailure: failure)
        }
        if error.errorClass == Int32(GIT_ERROR_SSH.rawValue), let keyFile = credentials.sshKeyFile,
            error.message.localizedCaseInsensitiveContains("private key") || error.message.localizedCaseInsensitiveContains("passphrase")
        {
            // libssh2 could not load the key (wrong passphrase, unknown format): the remote was reached.
            let passphrase = credentials.sshPassphrase == nil ? "no passphrase was given" : "a passphrase was given"
            return GitSourceError(.authentication, "authentication to \(displayURL) failed: cannot use the SSH key \(keyFile) (\(passphrase)): check the key's format and its passphrase (GITCANARY_GIT_SSH_PASSPHRASE or a `passphrase` file in --git-credentials-dir)", gitFailure: failure)
        }
        if error.code == GIT_EAUTH.rawValue || error.message.contains("401") || error.message.contains("authentication") {
            let tried = credentials.httpSource ?? credentials.sshKeyFile.map { "SSH key \($0)" } ?? "no credentials"
            return GitSourceError(.authentication, "authentication to \(displayURL) failed (tried: \(tried))", gitFailure: failure)
        }
        return GitSourceError(.unreachable, "cannot reach \(displayURL): \(error.message)", gitFailure: failure)
    }

    static func format(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s == s.rounded() ? "\(Int(s))s" : "\(s)s"
    }
}
