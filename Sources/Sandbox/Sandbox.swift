import Foundation
import HTTPServer
import Logging
import Resources
import Synchronization

/// A simulated Kubernetes cluster that kubectl accepts, served on 127.0.0.1.
///
/// ```swift
/// let sandbox = try Sandbox()
/// try sandbox.writeKubeconfig(to: "/tmp/kubeconfig")
/// print(sandbox.apiURL, sandbox.prometheusURL)
/// sandbox.stop()
/// ```
public final class Sandbox: Sendable {
    /// How to start a Sandbox.
    public struct Options: Sendable {
        /// The port on 127.0.0.1; 0 picks a free one.
        public var port: UInt16
        /// When set, every Kubernetes API and control request needs `Authorization: Bearer <token>`.
        public var token: String?
        /// The initial clock (real time by default).
        public var clock: SandboxClock
        /// Where request and fault logs go.
        public var logger: Logger
        /// RBAC mode: every request is authenticated (the admin ``token``, generated when nil, or a token from
        /// ``Sandbox/issueToken(namespace:serviceAccount:)``) and authorized by the stored Roles, ClusterRoles and
        /// bindings, with kube-apiserver's 403 `Status` when denied.
        public var rbac: Bool = false

        /// Options with defaults: a free port, no token, the real clock, a no-op logger.
        public init(port: UInt16 = 0, token: String? = nil, clock: SandboxClock = SandboxClock(),
                    logger: Logger = Logger(label: "gitcanary.sandbox", factory: { _ in SwiftLogNoOpLogHandler() })) {
            self.port = port
            self.token = token
            self.clock = clock
            self.logger = logger
        }
    }

    struct State {
        var cluster: Cluster
        var counts = RequestCounts()
        var faults: [FaultRule] = []
        var loadtester = Loadtester()
        /// RBAC mode: issued service-account tokens.
        var tokens: [String: RBACUser] = [:]
    }

    let state: Mutex<State>
    let token: String?
    /// Whether RBAC mode is on.
    let rbac: Bool
    let logger: Logger
    private let server: Mutex<HTTPServer?> = Mutex(nil)
    /// The bound port.
    public let port: UInt16

    /// Starts serving at once.
    public init(options: Options = Options()) throws(SandboxError) {
        state = Mutex(State(cluster: Cluster(clock: options.clock)))
        rbac = options.rbac
        token = options.token ?? (options.rbac ? Self.randomToken(prefix: "sandbox-admin") : nil)
        logger = options.logger
        let box = WeakBox()
        do {
            let s = try HTTPServer(port: options.port) { request in
                box.sandbox?.respond(request) ?? .text("stopping", status: 503)
            }
            port = s.port
            server.withLock { $0 = s }
        } catch {
            throw .listen(error)
        }
        box.sandbox = self
        state.withLock { $0.cluster.traffic.accumulate(objects: ObjectStore(), now: $0.cluster.now) }
    }

    /// `http://127.0.0.1:<port>`: the Kubernetes API server URL.
    public var apiURL: String { "http://127.0.0.1:\(port)" }
    /// `http://127.0.0.1:<port>/prometheus`: what users pass as `--metrics-server`.
    public var prometheusURL: String { "\(apiURL)/prometheus" }

    /// Stops serving: closes the listener and every connection (hung ones included).
    public func stop() {
        let s = server.withLock { s -> HTTPServer? in
            defer { s = nil }
            return s
        }
        s?.stop()
    }

    deinit { stop() }

    // MARK: in-process control (the same as the `/sandbox/...` HTTP API)

    /// The sandbox time now.
    public var now: Date { state.withLock { $0.cluster.now } }

    /// Moves the sandbox clock forward; controllers and metrics catch up at once.
    public func advanceClock(by seconds: TimeInterval) {
        state.withLock { s in
            s.cluster.settle()
            s.cluster.clock.advance(by: seconds)
            s.cluster.settle()
        }
    }

    /// Sets the sandbox clock; `freeze` keeps it there until changed again.
    public func setClock(_ date: Date, freeze: Bool) {
        state.withLock { s in
            s.cluster.settle()
            s.cluster.clock.set(date, freeze: freeze)
            s.cluster.traffic.last = date
            s.cluster.settle()
        }
    }

    /// Requests counted since the start or the last reset.
    public var requestCounts: RequestCounts { state.withLock { $0.counts } }

    /// Waits until at least `count` mutating requests have been counted (since the start or the last reset);
    /// false at the timeout. Fault harnesses use it to act after the k-th write.
    public func waitForMutatingRequests(_ count: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if requestCounts.mutating >= count { return true }
            usleep(5_000)
        }
        return requestCounts.mutating >= count
    }

    /// Sets the request counters to zero.
    public func resetRequestCounts() { state.withLock { $0.counts = RequestCounts() } }

    /// Installs a fault rule.
    public func inject(_ rule: FaultRule) { state.withLock { $0.faults.append(rule) } }

    /// Removes every fault rule.
    public func clearFaults() { state.withLock { $0.faults.removeAll() } }

    /// The payloads the loadtester endpoint has received.
    public var loadtesterRecords: [JSONValue] { state.withLock { $0.loadtester.records } }

    /// The admin bearer token (`system:masters`): the `--token-file` token, or the one RBAC mode generated.
    public var adminToken: String? { token }

    /// A kubeconfig (YAML) for kubectl and clients, with the (admin) token when auth is on.
    public func kubeconfig(namespace: String = "default") -> String {
        Kubeconfig.yaml(server: apiURL, token: token, namespace: namespace)
    }

    /// Writes ``kubeconfig(namespace:)`` to a file (mode 0600: it may hold the token).
    public func writeKubeconfig(to path: String, namespace: String = "default") throws(SandboxError) {
        do {
            try Data(kubeconfig(namespace: namespace).utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw .writeFile(path: path, reason: "\(error)")
        }
    }
}

/// Lets the server's handler reach the Sandbox without a retain cycle.
private final class WeakBox: @unchecked Sendable {
    // Written once in Sandbox.init before any request can be answered (requests read nil until then and get 503).
    weak var sandbox: Sandbox?
}

/// Why a Sandbox could not start or write its files.
public enum SandboxError: Error, Sendable, CustomStringConvertible {
    /// The HTTP listener could not be opened.
    case listen(HTTPServerError)
    /// A file (kubeconfig, token) could not be written or read.
    case writeFile(path: String, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .listen(let e): return "the sandbox cannot listen: \(e.description)"
        case .writeFile(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

extension Cluster {
    /// Brings time-dependent state up to the clock: traffic counters, then progress deadlines.
    ///
    /// `traffic: false` (requests that only read objects) leaves the traffic counters behind: they grow at the
    /// rates the workloads had since the last accumulation, and reads change no workload, so the next
    /// accumulation (before a write, a metrics read or a clock change) adds the same traffic. This keeps a
    /// read from costing a pass over every workload while the clock runs.
    mutating func settle(traffic accumulateTraffic: Bool = true) {
        if accumulateTraffic { traffic.accumulate(objects: objects, now: now) }
        settleControllers()
    }
}
