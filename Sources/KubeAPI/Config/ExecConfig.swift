/// A kubeconfig `exec` credential plugin (EKS `aws eks get-token`, GKE `gke-gcloud-auth-plugin`, AKS `kubelogin`).
public struct ExecConfig: Sendable, Hashable {
    /// One `env` entry passed to the plugin.
    public struct EnvVar: Sendable, Hashable {
        /// The variable name.
        public var name: String
        /// Its value.
        public var value: String
        /// Creates an entry.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
    /// `client.authentication.k8s.io/v1` and `v1beta1`.
    public static let supportedAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// The ExecCredential API version the plugin speaks.
    public var apiVersion: String
    /// The program (a PATH name or an absolute path).
    public var command: String
    /// Its arguments.
    public var args: [String]
    /// Extra environment.
    public var env: [EnvVar]
    /// `Never`, `IfAvailable` or `Always`.
    public var interactiveMode: String
    /// Shown when the command cannot be found.
    public var installHint: String
    /// Whether to pass the cluster in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool

    /// Creates an exec configuration.
    public init(
        apiVersion: String, command: String, args: [String] = [], env: [EnvVar] = [], interactiveMode: String = "Never",
        installHint: String = "", provideClusterInfo: Bool = false
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.interactiveMode = interactiveMode
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
    }
}
