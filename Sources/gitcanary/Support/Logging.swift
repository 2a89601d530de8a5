import Foundation
import Logging
import Resources
import Synchronization

/// The process's logging: text on a terminal, one JSON object per line otherwise (or with `--log-format json`),
/// always on stderr. The only place that calls `LoggingSystem.bootstrap` (once per process).
enum LogSetup {
    private static let done = Mutex(false)

    /// Bootstraps logging once and returns a logger.
    static func logger(_ label: String, level: String, format: String?) -> Logger {
        let json = format == "json" || (format != "text" && isatty(STDERR_FILENO) == 0)
        let first = done.withLock { d in
            defer { d = true }
            return !d
        }
        if first {
            LoggingSystem.bootstrap { label in
                json ? JSONLogHandler(label: label) as any LogHandler : StreamLogHandler.standardError(label: label) as any LogHandler
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: level) ?? .warning
        return logger
    }
}

/// One JSON object per line on stderr: `{"time","level","label","message",...metadata}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "time": RFC3339.format(Date()), "level": event.level.rawValue, "label": label,
            "message": event.message.description,
        ]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, b in b }) { object[k] = "\(v)" }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
