import Resources

/// Options of a LIST request.
public struct ListOptions: Sendable, Hashable {
    /// A label selector, e.g. `app=podinfo,tier!=db`.
    public var labelSelector: String?
    /// A field selector, e.g. `metadata.name=podinfo`.
    public var fieldSelector: String?
    /// The page size; `nil` lets the server decide.
    public var limit: Int?
    /// The continue token of the previous page.
    public var continueToken: String?
    /// `resourceVersion` semantics for the read (`"0"` = any cached version).
    public var resourceVersion: String?

    /// Creates list options.
    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }
}

/// Options shared by every write (CREATE, UPDATE, PATCH).
public struct WriteOptions: Sendable, Hashable {
    /// Adds `dryRun=All`: the server validates and runs admission but persists nothing.
    public var dryRun: Bool
    /// The field manager recorded in `managedFields`.
    public var fieldManager: String?
    /// `Strict`, `Warn` or `Ignore`; `nil` leaves the server default.
    public var fieldValidation: String?

    /// Creates write options.
    public init(dryRun: Bool = false, fieldManager: String? = nil, fieldValidation: String? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
    }
}

/// The body of a PATCH, which also decides its content type.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 merge patch (`application/merge-patch+json`).
    case merge(JSONValue)
    /// RFC 6902 JSON patch operations (`application/json-patch+json`).
    case json([JSONValue])
    /// Strategic merge patch (`application/strategic-merge-patch+json`, built-in kinds only).
    case strategicMerge(JSONValue)
    /// Server-side apply of a full intent (`application/apply-patch+yaml`); `force` takes conflicting fields.
    case apply(JSONValue, fieldManager: String, force: Bool)

    /// The Content-Type header value.
    public var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        case .apply: return "application/apply-patch+yaml"
        }
    }
}

/// Options of a DELETE.
public struct DeleteOptions: Sendable, Hashable {
    /// How dependents are deleted.
    public enum PropagationPolicy: String, Sendable, Hashable {
        /// Delete dependents in the background.
        case background = "Background"
        /// Delete dependents first.
        case foreground = "Foreground"
        /// Leave dependents.
        case orphan = "Orphan"
    }
    /// The propagation policy; `nil` uses the kind's default.
    public var propagationPolicy: PropagationPolicy?
    /// Only delete when the object still has this UID.
    public var preconditionUID: String?
    /// Only delete when the object still has this resourceVersion.
    public var preconditionResourceVersion: String?
    /// Grace period in seconds.
    public var gracePeriodSeconds: Int?
    /// Adds `dryRun=All`.
    public var dryRun: Bool

    /// Creates delete options.
    public init(
        propagationPolicy: PropagationPolicy? = nil, preconditionUID: String? = nil,
        preconditionResourceVersion: String? = nil, gracePeriodSeconds: Int? = nil, dryRun: Bool = false
    ) {
        self.propagationPolicy = propagationPolicy
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun
    }

    /// The `DeleteOptions` body the API server expects.
    var body: JSONValue {
        var o: JSONValue = ["apiVersion": "v1", "kind": "DeleteOptions"]
        if let p = propagationPolicy { o["propagationPolicy"] = .string(p.rawValue) }
        if let g = gracePeriodSeconds { o["gracePeriodSeconds"] = .int(Int64(g)) }
        if preconditionUID != nil || preconditionResourceVersion != nil {
            var pre: JSONValue = [:]
            if let uid = preconditionUID { pre["uid"] = .string(uid) }
            if let rv = preconditionResourceVersion { pre["resourceVersion"] = .string(rv) }
            o["preconditions"] = pre
        }
        if dryRun { o["dryRun"] = ["All"] }
        return o
    }
}
