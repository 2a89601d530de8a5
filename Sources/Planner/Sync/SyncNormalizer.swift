import Resources

/// Turns a desired object from Git into the body the sync applies: server-managed fields and `status` removed,
/// the namespace defaulted, rollout-owned fields stripped, the source labels added and the
/// `gitcanary.dev/applied-hash` annotation set to the hash of the canonical result (without that annotation).
public struct SyncNormalizer: Sendable {
    /// Cluster-scoped built-in kinds (a namespace is never defaulted on them).
    public static let clusterScopedKinds: Set<String> = [
        "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "StorageClass",
        "IngressClass", "RuntimeClass", "PersistentVolume", "Node", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "APIService", "CSIDriver", "VolumeAttachment", "GatewayClass",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    ]

    /// Metadata fields the server owns.
    static let serverMetadata = ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink"]

    /// The source name for the labels.
    public var sourceName: String
    /// The namespace of namespaced objects that declare none.
    public var defaultNamespace: String
    /// Kinds declared cluster-scoped by CRDs in Git (`spec.scope: Cluster`) or by the options, as `group/kind`.
    public var clusterScopedCustomKinds: Set<String>
    /// The hasher of the applied-hash.
    public var hasher: any SyncHasher

    /// Creates a normalizer.
    public init(
        sourceName: String, defaultNamespace: String, desired: [Manifest], clusterScopedKinds: Set<String> = [],
        hasher: any SyncHasher = SyncSHA256Hasher()
    ) {
        self.sourceName = sourceName
        self.defaultNamespace = defaultNamespace
        self.hasher = hasher
        var custom = clusterScopedKinds
        for m in desired where m.kind == "CustomResourceDefinition" && m.object["spec", "scope"]?.stringValue == "Cluster" {
            if let g = m.object["spec", "group"]?.stringValue, let k = m.object["spec", "names", "kind"]?.stringValue {
                custom.insert("\(g)/\(k)")
            }
        }
        clusterScopedCustomKinds = custom
    }

    /// Whether a kind is cluster-scoped: a built-in cluster-scoped kind of a Kubernetes group (no dot, or `*.k8s.io`),
    /// a kind a CRD in Git declares `scope: Cluster`, or one listed in ``SyncOptions/clusterScopedKinds``.
    public func isClusterScoped(group: String, kind: String) -> Bool {
        if clusterScopedCustomKinds.contains("\(group)/\(kind)") { return true }
        let kubernetesGroup = !group.contains(".") || group.hasSuffix(".k8s.io")
        return kubernetesGroup && Self.clusterScopedKinds.contains(kind)
    }

    /// The object with server fields removed and its namespace settled (defaulted, or removed when cluster-scoped).
    public func settle(_ manifest: Manifest) -> JSONValue {
        var object = manifest.object
        // Only what is there is removed: an object of Git seldom has any of them, and it is then not copied.
        if let metadata = object["metadata"]?.objectValue, Self.serverMetadata.contains(where: { metadata[$0] != nil }) {
            for field in Self.serverMetadata { object.set(nil, at: ["metadata", field]) }
        }
        if object["status"] != nil { object["status"] = nil }
        let ref = manifest.ref
        if isClusterScoped(group: ref.group, kind: ref.kind) {
            object.set(nil, at: ["metadata", "namespace"])
        } else if ref.namespace.isEmpty {
            object.set(.string(defaultNamespace), at: ["metadata", "namespace"])
        }
        return object
    }

    /// The key of ``settle(_:)``'s result, without settling (the namespace is all settling changes of the key).
    public func settledKey(_ manifest: Manifest) -> SyncKey {
        let ref = manifest.ref
        let namespace = isClusterScoped(group: ref.group, kind: ref.kind) ? "" : (ref.namespace.isEmpty ? defaultNamespace : ref.namespace)
        return SyncKey(group: ref.group, kind: ref.kind, namespace: namespace, name: ref.name)
    }

    /// Adds the source labels and the applied-hash annotation; returns the body and the hash.
    public func finish(_ object: JSONValue) -> (body: JSONValue, hash: String) {
        var body = object
        body.set(.string(SyncLabels.managedByValue), at: ["metadata", "labels", SyncLabels.managedBy])
        body.set(.string(sourceName), at: ["metadata", "labels", SyncLabels.source])
        body.set(nil, at: ["metadata", "annotations", SyncLabels.appliedHash])
        if body["metadata", "annotations"]?.objectValue?.isEmpty == true { body.set(nil, at: ["metadata", "annotations"]) }
        let hash = hasher.hash(JSONWriter.bytes(body, options: .canonical))
        body.set(.string(hash), at: ["metadata", "annotations", SyncLabels.appliedHash])
        return (body, hash)
    }
}
