import Foundation

/// Resolves the client configuration with kubectl's precedence: an explicit `--kubeconfig` file, else the files of
/// `KUBECONFIG` (merged), else the in-cluster service account, else `~/.kube/config`. `--context` picks the context,
/// and `--namespace` wins over the context's namespace.
///
/// It reads only what ``Inputs`` gives it (environment, home, service-account root), so tests and the CLI decide.
public struct KubeConfigLoader: Sendable {
    /// Everything the loader may consult.
    public struct Inputs: Sendable {
        /// `--kubeconfig`.
        public var kubeconfig: String?
        /// `--context`.
        public var context: String?
        /// `--namespace`.
        public var namespace: String?
        /// The process environment (`KUBECONFIG`, `KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT`, exec env).
        public var environment: [String: String]
        /// The home directory (for `~/.kube/config`).
        public var homeDirectory: String?
        /// The directory holding `token`, `ca.crt` and `namespace` for in-cluster configuration.
        public var serviceAccountRoot: String

        /// The standard service-account mount.
        public static let defaultServiceAccountRoot = "/var/run/secrets/kubernetes.io/serviceaccount"

        /// Creates inputs.
        public init(
            kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil,
            environment: [String: String] = [:], homeDirectory: String? = nil,
            serviceAccountRoot: String = Inputs.defaultServiceAccountRoot
        ) {
            self.kubeconfig = kubeconfig
            self.context = context
            self.namespace = namespace
            self.environment = environment
            self.homeDirectory = homeDirectory
            self.serviceAccountRoot = serviceAccountRoot
        }
    }

    /// The inputs.
    public var inputs: Inputs

    /// Creates a loader.
    public init(_ inputs: Inputs) { self.inputs = inputs }

    /// Resolves the configuration, or says which source was used and what is missing.
    public func load() throws(KubeConfigError) -> KubeClientConfiguration {
        if let file = inputs.kubeconfig, !file.isEmpty {
            guard FileManager.default.fileExists(atPath: file) else {
                throw KubeConfigError(source: "--kubeconfig \(file)", message: "the file does not exist")
            }
            return try resolve(KubeConfig.load(file: file, homeDirectory: inputs.homeDirectory), origin: "kubeconfig \(file) (from --kubeconfig)")
        }
        if let list = inputs.environment["KUBECONFIG"], !list.isEmpty {
            let files = list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            var merged = KubeConfig()
            var found = 0
            for f in files where FileManager.default.fileExists(atPath: f) {
                merged.merge(try KubeConfig.load(file: f, homeDirectory: inputs.homeDirectory))
                found += 1
            }
            guard found > 0 else {
                throw KubeConfigError(source: "KUBECONFIG=\(list)", message: "none of these files exists")
            }
            return try resolve(merged, origin: "kubeconfig \(merged.files.joined(separator: ":")) (from KUBECONFIG)")
        }
        if inputs.environment["KUBERNETES_SERVICE_HOST"]?.isEmpty == false {
            if inputs.context != nil {
                throw KubeConfigError(
                    source: "in-cluster configuration",
                    message: "--context needs a kubeconfig; pass --kubeconfig or set KUBECONFIG")
            }
            return try InClusterConfig(inputs).load()
        }
        if let home = inputs.homeDirectory {
            let file = home + "/.kube/config"
            if FileManager.default.fileExists(atPath: file) {
                return try resolve(KubeConfig.load(file: file, homeDirectory: inputs.homeDirectory), origin: "kubeconfig \(file)")
            }
        }
        throw KubeConfigError(
            source: "configuration",
            message: "no Kubernetes configuration found: no --kubeconfig, KUBECONFIG is unset, not running in a "
                + "cluster (KUBERNETES_SERVICE_HOST is unset), and \(inputs.homeDirectory ?? "~")/.kube/config does not exist")
    }

    /// Resolves the chosen context of a (merged) kubeconfig.
    public func resolve(_ config: KubeConfig, origin: String) throws(KubeConfigError) -> KubeClientConfiguration {
        let name = inputs.context ?? config.currentContext ?? ""
        guard !name.isEmpty else {
            throw KubeConfigError(source: origin, message: "no context chosen: set current-context or pass --context")
        }
        let source = "\(origin) (context \"\(name)\")"
        guard let context = config.contexts[name] else {
            let known = config.contexts.keys.sorted().joined(separator: ", ")
            throw KubeConfigError(source: source, message: "no context named \"\(name)\" (known: \(known.isEmpty ? "none" : known))")
        }
        guard let cluster = config.clusters[context.cluster] else {
            throw KubeConfigError(source: source, message: "the context names cluster \"\(context.cluster)\", which is not defined")
        }
        guard !cluster.server.isEmpty else {
            throw KubeConfigError(source: source, message: "cluster \"\(context.cluster)\" has no `server`")
        }
        guard Self.isServerURL(cluster.server) else {
            throw KubeConfigError(
                source: source,
                message: "cluster \"\(context.cluster)\" server \"\(cluster.server)\" is not an http(s) URL like https://host:6443")
        }
        var tls = TLSOptions(insecureSkipVerify: cluster.insecureSkipTLSVerify, serverName: cluster.tlsServerName)
        if let data = cluster.certificateAuthorityData {
            tls.certificateAuthority = data
        } else if let file = cluster.certificateAuthority {
            tls.certificateAuthority = try read(file, "certificate-authority of cluster \"\(context.cluster)\"", source)
        }
        var credentials = KubeCredentials.none
        var identity = "the anonymous user (context \"\(name)\")"
        if !context.user.isEmpty {
            guard let user = config.users[context.user] else {
                throw KubeConfigError(source: source, message: "the context names user \"\(context.user)\", which is not defined")
            }
            identity = "user \"\(context.user)\" of context \"\(name)\""
            credentials = try userCredentials(user, name: context.user, tls: &tls, source: source)
        }
        return KubeClientConfiguration(
            server: cluster.server, tls: tls, proxy: cluster.proxyURL, credentials: credentials,
            namespace: nonEmpty(inputs.namespace) ?? nonEmpty(context.namespace) ?? "default", source: source,
            identity: identity)
    }

    private func userCredentials(_ user: KubeConfig.User, name: String, tls: inout TLSOptions, source: String)
        throws(KubeConfigError) -> KubeCredentials
    {
        let what = "user \"\(name)\""
        if let data = user.clientCertificateData {
            tls.clientCertificate = data
        } else if let file = user.clientCertificate {
            tls.clientCertificate = try read(file, "client-certificate of \(what)", source)
        }
        if let key = user.clientKeyData {
            tls.clientKey = Data(key.value.utf8)
        } else if let file = user.clientKey {
            tls.clientKey = try read(file, "client-key of \(what)", source)
        }
        if tls.clientCertificate != nil, tls.clientKey == nil {
            throw KubeConfigError(source: source, message: "\(what) has a client certificate but no client-key or client-key-data")
        }
        if tls.clientKey != nil, tls.clientCertificate == nil {
            throw KubeConfigError(source: source, message: "\(what) has a client key but no client-certificate or client-certificate-data")
        }
        if let token = user.token, !token.value.isEmpty { return .token(token) }
        if let file = user.tokenFile {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw KubeConfigError(source: source, message: "tokenFile \(file) of \(what) cannot be read")
            }
            return .tokenFile(file)
        }
        if let exec = user.exec { return .exec(exec) }
        if let username = user.username, !username.isEmpty {
            guard let password = user.password else {
                throw KubeConfigError(source: source, message: "\(what) has a username but no password")
            }
            return .basic(username: username, password: password)
        }
        return .none
    }

    private func read(_ file: String, _ what: String, _ source: String) throws(KubeConfigError) -> Data {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw KubeConfigError(source: source, message: "\(what): cannot read \(file)")
        }
        return data
    }

    private func nonEmpty(_ s: String?) -> String? { s?.isEmpty == false ? s : nil }
}

extension KubeConfigLoader {
    /// Whether a kubeconfig `server` is usable: an http or https URL with a host, or `host[:port]` (kubectl
    /// assumes https then).
    static func isServerURL(_ server: String) -> Bool {
        let text = server.contains("://") ? server : "https://" + server
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = c.host, !host.isEmpty
        else { return false }
        return true
    }
}
