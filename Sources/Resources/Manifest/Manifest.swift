/// One Kubernetes object as declared in a file: the whole object plus where it came from.
///
/// The object is kept as a ``JSONValue``, so every field, known or not, survives a read-modify-write.
public struct Manifest: Sendable, Hashable {
    /// The whole object (always a JSON object). Changing it clears ``contentID``.
    public var object: JSONValue {
        didSet { contentID = nil }
    }
    /// File and line of the document that declared it.
    public var source: SourceLocation
    /// Lines of the object's fields, for messages that point at a field.
    public var sourceMap: SourceMap
    /// An identity of ``object`` as read: two manifests with the same identity hold the same object (the Git source
    /// sets it to the file's path and blob id and the document's position). `nil` when unknown, and once the object
    /// is changed. Not part of equality.
    public var contentID: String?

    /// Creates a manifest from an object.
    public init(object: JSONValue, source: SourceLocation = SourceLocation(file: ""), sourceMap: SourceMap = SourceMap()) {
        self.object = object
        self.source = source
        self.sourceMap = sourceMap
    }

    public static func == (a: Manifest, b: Manifest) -> Bool {
        a.object == b.object && a.source == b.source && a.sourceMap == b.sourceMap
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(object)
        hasher.combine(source)
        hasher.combine(sourceMap)
    }

    /// `apiVersion`, or "" when missing.
    public var apiVersion: String { object["apiVersion"]?.stringValue ?? "" }
    /// `kind`, or "" when missing.
    public var kind: String { object["kind"]?.stringValue ?? "" }
    /// `metadata.name`, or "" when missing.
    public var name: String { object["metadata", "name"]?.stringValue ?? "" }
    /// `metadata.namespace`, or "" when missing.
    public var namespace: String { object["metadata", "namespace"]?.stringValue ?? "" }
    /// `metadata.labels` as strings.
    public var labels: [String: String] { Manifest.stringMap(object["metadata", "labels"]) }
    /// `metadata.annotations` as strings.
    public var annotations: [String: String] { Manifest.stringMap(object["metadata", "annotations"]) }

    /// The object's reference.
    public var ref: ObjectRef { ObjectRef(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name) }

    /// The location of a field by JSON path, falling back to the document's start.
    public func location(of path: String) -> SourceLocation {
        guard let line = sourceMap.line(of: path) else { return source }
        return SourceLocation(file: source.file, line: line)
    }

    static func stringMap(_ value: JSONValue?) -> [String: String] {
        guard let object = value?.objectValue else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in object { if let s = v.stringValue { out[k] = s } }
        return out
    }
}
