import Synchronization

/// Values kept until the process exits: a batch run's observation and plans are not freed one object at a time
/// just before the process ends (see `ReconcileEnvironment.keepUntilExit`). Only for values whose lifetime would
/// otherwise end at the end of the command.
enum ExitArena {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `value` until exit.
    static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}
