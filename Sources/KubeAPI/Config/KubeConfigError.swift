/// A configuration that cannot be used: which source was used (a kubeconfig path and context, the in-cluster
/// files, flags) and what is missing or wrong.
public struct KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The source, e.g. `kubeconfig /home/me/.kube/config (context "prod")` or `in-cluster configuration`.
    public var source: String
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

/// A secret string (token, password, key): it prints as `<redacted>` in descriptions, dumps and interpolations.
public struct Redacted: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; use only to build the request that needs it.
    public let value: String
    /// Wraps a secret.
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
