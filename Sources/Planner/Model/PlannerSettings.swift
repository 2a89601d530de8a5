import Resources

/// Controller-level settings (flagger-behaviour.md §1.11), with Flagger's defaults.
public struct PlannerSettings: Sendable {
    /// Provider when a Canary has no `spec.provider` (`--mesh-provider`).
    public var meshProvider: String
    /// Candidate selector label keys, in order (`--selector-labels`).
    public var selectorLabels: [String]
    /// Label/annotation key prefixes copied to primaries; `*` = all (`--include-label-prefix`).
    public var includeLabelPrefix: [String]
    /// ConfigMap/Secret tracking (`--enable-config-tracking`).
    public var configTracking: Bool
    /// Reject references to other namespaces (`--no-cross-namespace-refs`).
    public var noCrossNamespaceRefs: Bool
    /// Added to every alert as `Cluster` (`--cluster-name`).
    public var clusterName: String
    /// NGINX annotation prefix (`--ingress-annotations-prefix`), for the routers of other issues.
    public var ingressAnnotationsPrefix: String
    /// Contour ingress class (`--ingress-class`).
    public var ingressClass: String
    /// How many checks `status.checks` keeps.
    public var maxCheckRecords: Int
    /// The target spec hash (status.lastAppliedSpec / lastPromotedSpec), given the hashed part of the target
    /// (the pod template, or a Service target's spec).
    public var specHasher: any SpecHasher
    /// The ConfigMap/Secret checksum (status.trackedConfigs values), given the whole ConfigMap or Secret.
    public var configHasher: any SpecHasher

    /// Flagger's defaults.
    public init(meshProvider: String = "istio", selectorLabels: [String] = ["app", "name", "app.kubernetes.io/name"],
                includeLabelPrefix: [String] = [], configTracking: Bool = true, noCrossNamespaceRefs: Bool = false,
                clusterName: String = "", ingressAnnotationsPrefix: String = "nginx.ingress.kubernetes.io",
                ingressClass: String = "", maxCheckRecords: Int = 10,
                specHasher: any SpecHasher = SHA256SpecHasher(), configHasher: any SpecHasher = FlaggerConfigChecksum()) {
        self.meshProvider = meshProvider
        self.selectorLabels = selectorLabels
        self.includeLabelPrefix = includeLabelPrefix
        self.configTracking = configTracking
        self.noCrossNamespaceRefs = noCrossNamespaceRefs
        self.clusterName = clusterName
        self.ingressAnnotationsPrefix = ingressAnnotationsPrefix
        self.ingressClass = ingressClass
        self.maxCheckRecords = maxCheckRecords
        self.specHasher = specHasher
        self.configHasher = configHasher
    }
}

/// Hashes a JSON value to a stable string. The seam through which the SHA-256 implementation of `Resources`
/// replaces ``FNV1aHasher``.
public protocol SpecHasher: Sendable {
    /// A stable hash of the value.
    func hash(_ value: JSONValue) -> String
}

extension SpecHasher {
    /// Whether a recorded hash has this hasher's shape (same length, lowercase hex). Flagger's hashes (short,
    /// safe-encoded) do not, which tells a status Flagger wrote from one GitCanary wrote.
    public func recognizes(_ recorded: String) -> Bool {
        let sample = hash(.null)
        return recorded.count == sample.count && recorded.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// GitCanary's spec hash: SHA-256 of the canonical JSON (``SpecHash`` of `Resources`), nulls dropped.
public struct SHA256SpecHasher: SpecHasher {
    /// Creates the hasher.
    public init() {}
    /// The hash.
    public func hash(_ value: JSONValue) -> String { SpecHash.of(SpecHash.normalise(value)) }
}

/// Flagger's ConfigMap/Secret checksum (``ConfigChecksum`` of `Resources`), reproduced byte for byte; the value
/// hashed is the whole ConfigMap or Secret.
public struct FlaggerConfigChecksum: SpecHasher {
    /// Creates the hasher.
    public init() {}
    /// The checksum.
    public func hash(_ value: JSONValue) -> String {
        value["kind"]?.stringValue == "Secret" ? ConfigChecksum.secret(value) : ConfigChecksum.configMap(value)
    }
}

/// FNV-1a 64 over the canonical JSON text (sorted keys, compact), as 16 lowercase hex digits.
public struct FNV1aHasher: SpecHasher {
    /// Creates the hasher.
    public init() {}
    /// The hash.
    public func hash(_ value: JSONValue) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in JSONWriter.bytes(value, options: .canonical) {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
