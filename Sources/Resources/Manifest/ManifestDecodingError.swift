/// Why a file could not be decoded into manifests, with the position of the problem.
public struct ManifestDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of decoding failure.
    public enum Code: Sendable, Hashable {
        /// YAML or JSON syntax.
        case syntax
        /// Nesting deeper than the limit.
        case tooDeep
        /// File larger than the limit, or aliases expanding past the node limit.
        case tooLarge
        /// A value JSON cannot hold (e.g. `.inf`, a non-string key that is a collection).
        case unrepresentable
        /// A document that is not an object, or lacks apiVersion/kind.
        case notAnObject
    }
    /// The kind of failure.
    public var code: Code
    /// File, line and column.
    public var location: SourceLocation
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(code: Code, location: SourceLocation, message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(location): \(message)" }
}
