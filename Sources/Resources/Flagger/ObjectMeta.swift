import Foundation

/// The `metadata` fields the engine reasons about.
public struct ObjectMeta: Sendable, Hashable, Codable {
    /// Name.
    public var name: String
    /// Namespace.
    public var namespace: String?
    /// Labels.
    public var labels: [String: String]?
    /// Annotations.
    public var annotations: [String: String]?
    /// Version for optimistic concurrency.
    public var resourceVersion: String?
    /// UID.
    public var uid: String?
    /// Spec generation.
    public var generation: Int?
    /// Set when deletion was requested.
    public var deletionTimestamp: Date?
    /// Finalizers.
    public var finalizers: [String]?
    /// Creation time.
    public var creationTimestamp: Date?

    /// Creates metadata.
    public init(name: String, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}
