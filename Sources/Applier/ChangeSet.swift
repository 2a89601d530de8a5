import Resources
import Planner

/// What happened to one object.
public enum ChangeAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Applied and did not exist before.
    case created
    /// Applied over an existing object.
    case configured
    /// No write: the live object already held what Git declares.
    case unchanged
    /// Pruned (deleted).
    case deleted
    /// Not attempted, with a reason (e.g. its kind is not served yet in a dry run).
    case skipped
    /// Attempted and failed; the error says why.
    case failed
}

/// The outcome for one object: `Kind/ns/name created`, `... failed: <error>`.
public struct ChangeSetEntry: Sendable, Hashable, CustomStringConvertible {
    /// The object.
    public var ref: ObjectRef
    /// What happened.
    public var action: ChangeAction
    /// Why (unchanged, skipped), or the error (failed); empty otherwise.
    public var message: String
    /// The planned field changes (Secret values masked), for the plan's report.
    public var changes: [FieldChange]

    /// Creates an entry.
    public init(ref: ObjectRef, action: ChangeAction, message: String = "", changes: [FieldChange] = []) {
        self.ref = ref
        self.action = action
        self.message = message
        self.changes = changes
    }

    /// `Kind/ns/name action[: message]`, as Flux logs its change sets.
    public var description: String { "\(ref) \(action.rawValue)" + (message.isEmpty ? "" : ": \(message)") }
}

/// The typed result of executing a ``SyncPlan``: one entry per object in plan order, plus the inventory write.
public struct ChangeSet: Sendable, Hashable {
    /// Entries in the order executed.
    public var entries: [ChangeSetEntry]
    /// Whether the writes were server-side dry runs (`gitcanary plan`).
    public var dryRun: Bool
    /// Whether the inventory ConfigMap was written.
    public var inventoryWritten: Bool
    /// Why the inventory could not be written, if it could not.
    public var inventoryError: String?

    /// Creates a change set.
    public init(entries: [ChangeSetEntry] = [], dryRun: Bool = false, inventoryWritten: Bool = false, inventoryError: String? = nil) {
        self.entries = entries
        self.dryRun = dryRun
        self.inventoryWritten = inventoryWritten
        self.inventoryError = inventoryError
    }

    /// Entries with an action.
    public func entries(_ action: ChangeAction) -> [ChangeSetEntry] { entries.filter { $0.action == action } }

    /// The number of entries per action.
    public var counts: [ChangeAction: Int] { Dictionary(grouping: entries, by: \.action).mapValues(\.count) }

    /// Whether any object (or the inventory) failed.
    public var hasFailures: Bool { entries.contains { $0.action == .failed } || inventoryError != nil }

    /// `3 created, 1 configured, 40 unchanged, 0 deleted, 0 skipped, 0 failed`.
    public var summary: String {
        let c = counts
        return ChangeAction.allCases.map { "\(c[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
    }

    /// Human lines for a report: one per written, skipped or failed object (unchanged ones only counted), each
    /// followed by its field changes (`    path: old → new`, Secret values masked) when `changes` is true.
    public func reportLines(changes: Bool = true) -> [String] {
        var out: [String] = []
        for e in entries where e.action != .unchanged {
            out.append((dryRun && e.action != .skipped && e.action != .failed ? "(dry run) " : "") + e.description)
            if changes { out += e.changes.map { "    \($0)" } }
        }
        if let inventoryError { out.append("inventory: \(inventoryError)") }
        out.append(summary)
        return out
    }
}
