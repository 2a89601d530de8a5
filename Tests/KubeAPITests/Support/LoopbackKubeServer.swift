import Foundation
import HTTPServer
import KubeAPI
import Resources
import Synchronization
import TestSupport

/// A small in-memory Kubernetes-like API server on the loopback ``HTTPServer``: discovery, CRUD with
/// `resourceVersion` conflicts, label/field selectors, `limit`/`continue` pagination, the status subresource,
/// merge/JSON/apply patches, dry runs, delete preconditions, real-shaped `Status` errors, optional bearer-token auth,
/// Forbidden rules, injected failures and a skewable `Date` header. One fresh cluster per instance.
final class LoopbackKubeServer: Sendable {
    /// A collection the server serves.
    struct Resource: Sendable {
        var group: String
        var version: String
        var name: String
        var kind: String
        var namespaced: Bool
        var hasStatus: Bool
        var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
        var qualified: String { group.isEmpty ? name : "\(name).\(group)" }
    }

    static let resources: [Resource] = [
        Resource(group: "", version: "v1", name: "configmaps", kind: "ConfigMap", namespaced: true, hasStatus: false),
        Resource(group: "", version: "v1", name: "namespaces", kind: "Namespace", namespaced: false, hasStatus: false),
        Resource(group: "", version: "v1", name: "events", kind: "Event", namespaced: true, hasStatus: false),
        Resource(group: "", version: "v1", name: "secrets", kind: "Secret", namespaced: true, hasStatus: false),
        Resource(group: "apps", version: "v1", name: "deployments", kind: "Deployment", namespaced: true, hasStatus: true),
        Resource(group: "coordination.k8s.io", version: "v1", name: "leases", kind: "Lease", namespaced: true, hasStatus: false),
        Resource(group: "flagger.app", version: "v1beta1", name: "canaries", kind: "Canary", namespaced: true, hasStatus: true),
        Resource(group: "example.com", version: "v1", name: "widgets", kind: "Widget", namespaced: true, hasStatus: true),
    ]

    /// One request as the server saw it.
    struct LoggedRequest: Sendable {
        var method: String
        var target: String
        var contentType: String
        var authorization: String
        var userAgent: String
    }

    struct Key: Hashable, Comparable {
        var groupVersion: String
        var resource: String
        var namespace: String
        var name: String
        static func < (a: Key, b: Key) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
    }

    struct State {
        var store: [Key: JSONValue] = [:]
        var resourceVersion = 100
        var failures: [(code: Int, retryAfter: Int?)] = []
        var log: [LoggedRequest] = []
    }

    let state = Mutex(State())
    let token: String?
    let forbidden: Set<String>
    let dateOffset: TimeInterval
    private let http: HTTPServer

    /// Starts the server. `token` makes it require `Authorization: Bearer <token>`; `forbid` lists `verb:resource`
    /// pairs (e.g. `list:canaries.flagger.app`) answered with 403; `dateOffset` skews its `Date` header (seconds).
    init(token: String? = nil, forbid: [String] = [], dateOffset: Int = 0) async throws {
        self.token = token
        forbidden = Set(forbid)
        self.dateOffset = TimeInterval(dateOffset)
        let box = HandlerBox()
        // Idle connections live long: reuse assertions must hold even when a loaded test process stalls.
        http = try HTTPServer(idleTimeout: 3600) { request in box.server?.handle(request) ?? .text("starting", status: 503) }
        box.server = self
    }

    /// The port on 127.0.0.1.
    var port: Int { Int(http.port) }

    /// `http://127.0.0.1:<port>`.
    var url: String { http.baseURL }

    /// Stops the server.
    func stop() { http.stop() }

    /// A client for this server with instant retries.
    func client(
        http: any HTTPClient, credentials: KubeCredentials = .none, server: String? = nil, tls: TLSOptions = TLSOptions(),
        retry: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(1), sleep: { _ in })
    ) -> KubeClient {
        KubeClient(
            configuration: KubeClientConfiguration(
                server: server ?? url, tls: tls, credentials: credentials, namespace: "default",
                source: "test server", identity: "test identity", timeout: .seconds(10)),
            http: http, retry: retry)
    }

    /// Every API request so far, in order.
    var requests: [LoggedRequest] { state.withLock { $0.log } }

    /// Makes the next `count` API requests fail with `code` (and `Retry-After: retryAfter` when given).
    func injectFailures(_ count: Int, code: Int, retryAfter: Int? = nil) {
        state.withLock { $0.failures = Array(repeating: (code, retryAfter), count: count) }
    }
}

/// Lets the HTTP handler reach the server object created after it.
private final class HandlerBox: @unchecked Sendable {
    // Written once right after the HTTPServer starts; requests before that get 503.
    weak var server: LoopbackKubeServer?
}
