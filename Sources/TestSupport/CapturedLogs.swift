import Logging
import Synchronization

/// Every log line a library writes (level, message, handler and event metadata, error, source), kept in memory so
/// tests can assert what was logged and that no secret ever was.
public final class CapturedLogs: Sendable {
    private let storage = Mutex<[String]>([])

    /// An empty capture.
    public init() {}

    /// The captured lines, in order.
    public var lines: [String] { storage.withLock { $0 } }
    /// All lines joined by newlines.
    public var all: String { storage.withLock { $0.joined(separator: "\n") } }

    /// A logger at trace level writing into this capture.
    public var logger: Logger { Logger(label: "test") { _ in Handler(sink: self) } }

    private struct Handler: LogHandler {
        let sink: CapturedLogs
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let meta = metadata.merging(event.metadata ?? [:]) { $1 }
            let error = event.error.map { " \($0)" } ?? ""
            let line = "\(event.level) \(event.message) \(meta)\(error) \(event.source)"
            sink.storage.withLock { $0.append(line) }
        }
    }
}
