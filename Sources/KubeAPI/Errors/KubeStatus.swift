import Resources

/// The API server's `Status` object (`kind: Status`), decoded from an error response.
public struct KubeStatus: Sendable, Hashable {
    /// One cause of an `Invalid` (or other) failure.
    public struct Cause: Sendable, Hashable {
        /// A machine-readable reason, e.g. `FieldValueRequired`.
        public var reason: String
        /// A human message.
        public var message: String
        /// The field path, e.g. `spec.replicas`.
        public var field: String
        /// Creates a cause.
        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }
    /// `Failure` or `Success`.
    public var status: String
    /// The server's message.
    public var message: String
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Forbidden`, `Unauthorized`, `TooManyRequests`, ...
    public var reason: String
    /// The HTTP code the server put in the body.
    public var code: Int
    /// `details.name`.
    public var name: String
    /// `details.group`.
    public var group: String
    /// `details.kind` (a resource name in practice).
    public var kind: String
    /// `details.causes`.
    public var causes: [Cause]
    /// `details.retryAfterSeconds`.
    public var retryAfterSeconds: Int?

    /// Decodes a `Status` body; `nil` when the value is not one.
    public init?(_ value: JSONValue) {
        guard value["kind"]?.stringValue == "Status" else { return nil }
        status = value["status"]?.stringValue ?? ""
        message = value["message"]?.stringValue ?? ""
        reason = value["reason"]?.stringValue ?? ""
        code = Int(value["code"]?.intValue ?? 0)
        let d = value["details"]
        name = d?["name"]?.stringValue ?? ""
        group = d?["group"]?.stringValue ?? ""
        kind = d?["kind"]?.stringValue ?? ""
        causes = (d?["causes"]?.arrayValue ?? []).map {
            Cause(
                reason: $0["reason"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "",
                field: $0["field"]?.stringValue ?? "")
        }
        retryAfterSeconds = d?["retryAfterSeconds"]?.intValue.map { Int($0) }
    }

    /// Creates a status (for fakes and tests).
    public init(reason: String, message: String, code: Int, causes: [Cause] = []) {
        status = "Failure"
        self.message = message
        self.reason = reason
        self.code = code
        name = ""
        group = ""
        kind = ""
        self.causes = causes
        retryAfterSeconds = nil
    }
}
