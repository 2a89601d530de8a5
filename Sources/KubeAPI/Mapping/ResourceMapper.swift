import Resources

/// Maps `apiVersion` + `kind` to a ``ResourceMapping``: from the built-in table when possible, otherwise through
/// discovery of the group version's resource list (`GET /api/v1`, `GET /apis/<group>/<version>`), cached for the
/// run; `GET /api` and `GET /apis` list what the server serves.
public actor ResourceMapper {
    /// Fetches and decodes a discovery document at a path.
    public typealias Fetch = @Sendable (String) async throws(KubeAPIError) -> JSONValue

    private let fetch: Fetch
    private var groupVersions: [String: [ResourceMapping]] = [:]
    private var served: [String]?

    /// Creates a mapper that discovers through `fetch`.
    public init(fetch: @escaping Fetch) { self.fetch = fetch }

    /// The mapping for a kind; throws a discovery error naming the kind when the server does not serve it.
    public func mapping(apiVersion: String, kind: String) async throws(KubeAPIError) -> ResourceMapping {
        if let m = BuiltinResources.mapping(apiVersion: apiVersion, kind: kind) { return m }
        let resources = try await resources(apiVersion: apiVersion)
        if let m = resources.first(where: { $0.kind == kind }) { return m }
        throw KubeAPIError.discovery(
            "the server serves \(apiVersion) but no resource of kind \(kind) in it (is the kind's CRD up to date?)")
    }

    /// Every resource of a group version (subresources excluded), fetched once per run.
    public func resources(apiVersion: String) async throws(KubeAPIError) -> [ResourceMapping] {
        if let cached = groupVersions[apiVersion] { return cached }
        let path = apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)"
        let list: JSONValue
        do {
            list = try await fetch(path)
        } catch where error.isNotFound {
            throw KubeAPIError.discovery(
                "the server does not serve \(apiVersion) (GET \(path) returned 404): is the CRD installed?")
        }
        var out: [ResourceMapping] = []
        for r in list["resources"]?.arrayValue ?? [] {
            guard let name = r["name"]?.stringValue, !name.contains("/"), let kind = r["kind"]?.stringValue else { continue }
            out.append(ResourceMapping(apiVersion, kind, name, namespaced: r["namespaced"]?.boolValue ?? true))
        }
        groupVersions[apiVersion] = out
        return out
    }

    /// Every group version the server serves (`v1`, `apps/v1`, ...), from `GET /api` and `GET /apis`.
    public func servedGroupVersions() async throws(KubeAPIError) -> [String] {
        if let served { return served }
        var out: [String] = []
        let core = try await fetch("/api")
        out += (core["versions"]?.arrayValue ?? []).compactMap(\.stringValue)
        let groups = try await fetch("/apis")
        for g in groups["groups"]?.arrayValue ?? [] {
            out += (g["versions"]?.arrayValue ?? []).compactMap { $0["groupVersion"]?.stringValue }
        }
        served = out
        return out
    }
}
