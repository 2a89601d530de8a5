import Foundation
import Logging
import Resources

/// A Kubernetes API client for one run: sends ``KubeRequest``s through an ``HTTPClient`` with credentials, retries
/// (``RetryPolicy``), request accounting (``RequestAccounting``), the server's clock (``ServerClock``) and discovery
/// (``ResourceMapper``); every failure is a ``KubeAPIError``.
///
/// Logs method, path, status and timing at debug level; never headers, tokens or bodies.
public final class KubeClient: Sendable {
    /// The resolved configuration.
    public let configuration: KubeClientConfiguration
    /// Counts of this client's calls.
    public let accounting = RequestAccounting()
    /// The server's clock, from the first response's `Date`.
    public let serverClock = ServerClock()
    /// Kind-to-resource mapping with discovery cached for this client's life.
    public let mapper: ResourceMapper

    let http: any HTTPClient
    let retry: RetryPolicy
    let logger: Logger
    let userAgent: String
    let authenticator: Authenticator

    /// Creates a client.
    /// - Parameters:
    ///   - environment: the environment handed to exec credential plugins.
    ///   - now: the wall clock used for exec credential expiry.
    public init(
        configuration: KubeClientConfiguration, http: any HTTPClient, environment: [String: String] = [:],
        retry: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "gitcanary.kubeapi"),
        userAgent: String = "gitcanary", now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.http = http
        self.retry = retry
        self.logger = logger
        self.userAgent = userAgent
        authenticator = Authenticator(configuration: configuration, environment: environment, now: now)
        let box = WeakClient()
        mapper = ResourceMapper { path async throws(KubeAPIError) -> JSONValue in
            guard let client = box.client else { throw KubeAPIError.discovery("the client was released") }
            return try await client.discovery(path)
        }
        box.client = self
    }

    /// How many times an exec credential plugin ran for this client.
    public var credentialPluginRuns: Int { authenticator.execRuns }

    /// Sends a request; returns the response for 2xx, throws ``KubeAPIError`` otherwise (after retries).
    public func send(_ request: KubeRequest) async throws(KubeAPIError) -> KubeResponse {
        let key = RequestAccounting.Key(
            verb: request.verb.rawValue,
            resource: request.resource.gvr.qualifiedResource + (request.subresource.map { "/" + $0 } ?? ""))
        return try await exchange(
            method: request.method, pathAndQuery: request.pathAndQuery, headers: request.headers,
            body: request.body, summary: request.summary, key: key, request: request)
    }

    /// Sends a request and decodes the JSON body.
    public func object(_ request: KubeRequest) async throws(KubeAPIError) -> JSONValue {
        try await send(request).json(request: request.summary)
    }

    /// GETs a JSON document at an API path (`/version`, `/api`, `/apis/<group>/<version>`), with retries; accounted
    /// as `get discovery`.
    public func get(path: String) async throws(KubeAPIError) -> JSONValue {
        try await discovery(path)
    }

    /// A discovery document (`/api`, `/apis`, `/apis/<group>/<version>`), accounted as `discovery`.
    func discovery(_ path: String) async throws(KubeAPIError) -> JSONValue {
        let probe = KubeRequest.list(ResourceMapping("v1", "APIResourceList", "discovery"), options: ListOptions())
        let response = try await exchange(
            method: "GET", pathAndQuery: path, headers: [HTTPHeader("Accept", "application/json")], body: nil,
            summary: "discovery GET \(path)", key: RequestAccounting.Key(verb: "get", resource: "discovery"),
            request: probe)
        return try response.json(request: "discovery GET \(path)")
    }

    private func exchange(
        method: String, pathAndQuery: String, headers: [HTTPHeader], body: [UInt8]?, summary: String,
        key: RequestAccounting.Key, request: KubeRequest
    ) async throws(KubeAPIError) -> KubeResponse {
        var attempt = 1
        var reauthenticated = false
        while true {
            let result = await attemptOnce(
                method: method, pathAndQuery: pathAndQuery, headers: headers, body: body, summary: summary, key: key,
                retry: attempt > 1)
            switch result {
            case .success(let r):
                return r
            case .failure(let error):
                if error.isUnauthorized, !reauthenticated, authenticator.invalidate() {
                    reauthenticated = true
                    logger.debug("401 from the server: refreshing credentials and retrying", metadata: ["request": "\(summary)"])
                    continue
                }
                // A cancelled run stops at once; its transport error is not worth a retry.
                guard !Task.isCancelled, let delay = retry.delay(after: error, request: request, attempt: attempt) else {
                    throw error
                }
                logger.debug(
                    "retrying after \(delay)", metadata: ["request": "\(summary)", "attempt": "\(attempt)", "error": "\(error.reason)"])
                await retry.sleep(delay)
                attempt += 1
            }
        }
    }

    private func attemptOnce(
        method: String, pathAndQuery: String, headers: [HTTPHeader], body: [UInt8]?, summary: String,
        key: RequestAccounting.Key, retry: Bool
    ) async -> Result<KubeResponse, KubeAPIError> {
        let auth: (headers: [HTTPHeader], tls: TLSOptions)
        do {
            auth = try await authenticator.prepare()
        } catch {
            return .failure(KubeAPIError(
                code: .configuration, request: summary, server: configuration.server, identity: configuration.identity,
                detail: error.description))
        }
        let url = configuration.server.trimmingSuffix("/") + pathAndQuery
        let http = HTTPRequest(
            method: method, url: url, headers: headers + [HTTPHeader("User-Agent", userAgent)] + auth.headers,
            body: body.map { Data($0) }, timeout: configuration.timeout, tls: auth.tls, proxy: configuration.proxy)
        let response: HTTPResponse
        do {
            response = try await self.http.send(http)
        } catch {
            accounting.record(key, metrics: nil, retry: retry, failed: true)
            logger.debug("\(method) \(pathAndQuery) failed: \(error.code)")
            return .failure(KubeAPIError(
                code: .transport, request: summary, server: configuration.server, identity: configuration.identity,
                transport: error))
        }
        serverClock.observe(dateHeader: response.headers["date"])
        let ok = (200..<300).contains(response.status)
        accounting.record(key, metrics: response.metrics, retry: retry, failed: !ok)
        logger.debug("\(method) \(pathAndQuery) → \(response.status) in \(response.metrics.totalTime)")
        let bytes = response.body
        if ok { return .success(KubeResponse(status: response.status, headers: response.headers, body: bytes)) }
        var status = (try? JSONParser.parse(bytes)).flatMap(KubeStatus.init)  // a non-JSON error body keeps the HTTP status only
        status?.redact(KubeStatus.credentialValues(auth.headers))
        var retryAfter = Self.retryAfter(response.headers["retry-after"], date: response.headers["date"])
        if retryAfter == nil, let s = status?.retryAfterSeconds { retryAfter = .seconds(s) }
        return .failure(KubeAPIError(
            code: .api, httpStatus: response.status, status: status, request: summary, server: configuration.server,
            identity: configuration.identity, retryAfter: retryAfter))
    }
}

extension KubeClient {
    /// `Retry-After` as delay-seconds or as an HTTP-date (relative to the response's own `Date`).
    static func retryAfter(_ header: String?, date: String?) -> Duration? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Int(header) { return .seconds(max(0, seconds)) }
        guard let at = ServerClock.parseHTTPDate(header) else { return nil }
        let now = date.flatMap(ServerClock.parseHTTPDate) ?? Date()
        return .seconds(max(0, Int(at.timeIntervalSince(now).rounded(.up))))
    }
}

/// Lets the mapper's fetch closure reach the client without a retain cycle.
private final class WeakClient: @unchecked Sendable {
    // Written once in KubeClient.init before any use; read-only afterwards.
    weak var client: KubeClient?
}

extension String {
    fileprivate func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
