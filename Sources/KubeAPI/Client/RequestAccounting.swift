import Synchronization

/// Counts the API calls of a run by verb and resource, with bytes and time, for the run report and benchmarks.
public final class RequestAccounting: Sendable {
    /// One row: a verb on a resource.
    public struct Key: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// `get`, `list`, `create`, `update`, `patch`, `delete`, or `discovery`.
        public var verb: String
        /// `deployments.apps`, `canaries.flagger.app/status`, ...
        public var resource: String
        /// Creates a key.
        public init(verb: String, resource: String) {
            self.verb = verb
            self.resource = resource
        }
        public static func < (a: Key, b: Key) -> Bool { (a.resource, a.verb) < (b.resource, b.verb) }
        public var description: String { "\(verb) \(resource)" }
    }

    /// Totals for one key.
    public struct Entry: Sendable, Hashable {
        /// HTTP requests sent (retries included).
        public var requests = 0
        /// Of those, retries.
        public var retries = 0
        /// Calls that ended in an error.
        public var errors = 0
        /// Bytes sent.
        public var bytesSent = 0
        /// Bytes received.
        public var bytesReceived = 0
        /// Total transfer time.
        public var time: Duration = .zero
        /// New connections opened.
        public var connections = 0
    }

    private let entries = Mutex([Key: Entry]())

    /// Creates an empty ledger.
    public init() {}

    /// A copy of the counts so far.
    public var snapshot: [Key: Entry] { entries.withLock { $0 } }

    /// Sum over every key.
    public var total: Entry {
        snapshot.values.reduce(into: Entry()) { t, e in
            t.requests += e.requests
            t.retries += e.retries
            t.errors += e.errors
            t.bytesSent += e.bytesSent
            t.bytesReceived += e.bytesReceived
            t.time += e.time
            t.connections += e.connections
        }
    }

    /// Records one HTTP exchange.
    func record(_ key: Key, metrics: HTTPMetrics?, retry: Bool, failed: Bool) {
        entries.withLock { d in
            var e = d[key] ?? Entry()
            e.requests += 1
            if retry { e.retries += 1 }
            if failed { e.errors += 1 }
            if let m = metrics {
                e.bytesSent += m.bytesSent
                e.bytesReceived += m.bytesReceived
                e.time += m.totalTime
                e.connections += m.newConnections
            }
            d[key] = e
        }
    }

    /// One line per key, sorted: `list canaries.flagger.app: 3 requests, 12.1 kB`.
    public var summaryLines: [String] {
        snapshot.sorted { $0.key < $1.key }.map { k, e in
            "\(k): \(e.requests) request\(e.requests == 1 ? "" : "s")"
                + (e.retries > 0 ? ", \(e.retries) retried" : "") + (e.errors > 0 ? ", \(e.errors) failed" : "")
                + ", \(e.bytesSent + e.bytesReceived) bytes"
        }
    }
}
