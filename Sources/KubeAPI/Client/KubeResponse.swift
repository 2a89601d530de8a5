import Foundation
import Resources

/// A successful API response.
public struct KubeResponse: Sendable {
    /// The HTTP status (2xx).
    public var status: Int
    /// Header fields, names lower-cased.
    public var headers: [String: String]
    /// The body bytes (the transport's buffer, not copied).
    public var body: Data

    /// Decodes the body with the byte-based ``JSONParser``.
    public func json(request: String = "", options: JSONParser.Options = JSONParser.Options()) throws(KubeAPIError) -> JSONValue {
        do {
            return try JSONParser.parse(body, options: options)
        } catch {
            throw KubeAPIError(code: .decoding, request: request, detail: "\(request): the response is not valid JSON (\(error))")
        }
    }
}

/// One page of a LIST.
public struct KubeList: Sendable {
    /// The objects.
    public var items: [JSONValue]
    /// `metadata.resourceVersion` of the list.
    public var resourceVersion: String
    /// `metadata.continue`: the token for the next page, empty on the last.
    public var continueToken: String
}
