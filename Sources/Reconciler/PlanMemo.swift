import Foundation
import Logging
import Planner
import Resources

/// Where a run remembers what it verified for the next run (``ReconcileEnvironment/planMemo``): the plans of idle
/// canaries (``PlanMemo``) and the objects the sync found unchanged (``SyncMemo``).
public struct PlanMemoLocation: Sendable {
    /// The directory of the memo files (created as needed; files are replaced atomically).
    public var directory: String
    /// The files' name: one per API server, source, shard and canary selection.
    public var name: String
    /// Text that, when it changes, invalidates everything remembered (the CLI passes its version: another binary
    /// may plan differently).
    public var salt: String

    /// Creates a location.
    public init(directory: String, name: String, salt: String) {
        self.directory = directory
        self.name = name
        self.salt = salt
    }

    /// The canaries' plans.
    var canaries: String { "\(directory)/\(name).canaries.json" }
    /// The sync's verified pairs.
    var sync: String { "\(directory)/\(name).sync" }
    /// The LISTs of the last run's sync observation.
    var reads: String { "\(directory)/\(name).reads" }
}

/// The plans of idle canaries (``CanaryPlan/idle``), each with the fingerprint of everything its plan read.
///
/// An idle canary's plan depends on no clock and no Git revision: planned again with the same Canary, the same
/// observed objects of its namespace and the same settings, it is the same plan. A run that finds a canary's
/// fingerprint unchanged reuses the remembered decision instead of planning the canary and comparing its generated
/// objects with the live ones; any change (a write to any object of the namespace, the Canary's status, another
/// binary or settings) changes the fingerprint and the canary is planned as usual. Objects are identified by
/// uid and resourceVersion, which the API server changes on every write, so drift cannot hide behind an entry.
struct PlanMemo: Sendable, Equatable {
    struct Entry: Sendable, Hashable {
        var fingerprint: String
        var decision: String
    }

    /// By `namespace/name`.
    var entries: [String: Entry] = [:]

    static let format = "gitcanary-plan-memo/3"

    /// The memo at `location`; empty when there is none, or it cannot be read (it is only an optimisation).
    static func load(_ location: PlanMemoLocation, logger: Logger) -> PlanMemo {
        guard let data = FileManager.default.contents(atPath: location.canaries) else { return PlanMemo() }
        guard let doc = try? JSONParser.parse([UInt8](data)), doc["format"]?.stringValue == format,
              case .object(let items)? = doc["entries"] else {
            logger.warning("ignoring an unreadable plan memo; every canary is planned", metadata: ["file": "\(location.canaries)"])
            return PlanMemo()
        }
        var memo = PlanMemo()
        memo.entries.reserveCapacity(items.count)
        for (key, value) in items {
            guard let fingerprint = value["fingerprint"]?.stringValue, let decision = value["decision"]?.stringValue else { continue }
            memo.entries[key] = Entry(fingerprint: fingerprint, decision: decision)
        }
        return memo
    }

    /// The memo after a run: the idle, quiet canaries of `works` (any other canary of the run is planned next time).
    static func remembering(_ works: [CanaryWork]) -> PlanMemo {
        var memo = PlanMemo()
        for w in works {
            guard let fingerprint = w.fingerprint, let plan = w.outcome.plan, Self.reusable(w, plan) else { continue }
            memo.entries[key(w.outcome.ref.namespace, w.outcome.ref.name)] = Entry(fingerprint: fingerprint, decision: plan.decision)
        }
        return memo
    }

    /// Whether a planned canary's plan may be reused: idle, nothing to write, nothing skipped or failed, no checks.
    static func reusable(_ w: CanaryWork, _ plan: CanaryPlan) -> Bool {
        plan.idle && !w.needsWrite && plan.isQuiet && plan.checks.isEmpty && plan.deferredCalls.isEmpty && !plan.hypothetical
            && w.outcome.skipped == nil && w.outcome.error == nil
    }

    static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    /// Writes the memo atomically. Failures are logged: the next run plans every canary.
    func save(_ location: PlanMemoLocation, logger: Logger) {
        var items = JSONObject()
        for (k, e) in entries.sorted(by: { $0.key < $1.key }) {
            items[k] = ["fingerprint": .string(e.fingerprint), "decision": .string(e.decision)]
        }
        let doc: JSONValue = ["format": .string(Self.format), "entries": .object(items)]
        MemoFile.write(JSONWriter.bytes(doc), to: location.canaries, in: location.directory, logger: logger)
    }
}

/// The sync's memo file: a header line, then one fingerprint per line.
enum SyncMemoFile {
    static let header = "gitcanary-sync-memo/2"

    /// The memo at `location` (empty when missing or unreadable: it is only an optimisation).
    static func load(_ location: PlanMemoLocation) -> SyncMemo {
        guard let lines = MemoFile.lines(at: location.sync, header: header) else { return SyncMemo(salt: location.salt) }
        var verified = Set<String>()
        verified.reserveCapacity(lines.count)
        for line in lines { verified.insert(line) }
        return SyncMemo(verified: verified, salt: location.salt)
    }

    static func save(_ memo: SyncMemo, _ location: PlanMemoLocation, logger: Logger) {
        let text = ([header] + memo.verified.sorted()).joined(separator: "\n") + "\n"
        MemoFile.write(Array(text.utf8), to: location.sync, in: location.directory, logger: logger)
    }
}

/// Line files of the memo, and their atomic replacement. Failures are logged, not thrown: the next run works
/// without the memo.
enum MemoFile {
    /// The lines after `header` of the file at `path`; `nil` when it is missing or not such a file. Split as bytes:
    /// splitting a megabyte of text by Characters (grapheme clusters) took tens of milliseconds.
    static func lines(at path: String, header: String) -> ArraySlice<String>? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = [UInt8](data).split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        guard lines.first == header else { return nil }
        return lines.dropFirst()
    }

    static func write(_ bytes: [UInt8], to path: String, in directory: String, logger: Logger) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            logger.warning("cannot write a memo file; the next run plans everything in full", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}

/// The LISTs of the last run's sync observation (``SyncRead``, one per line), which the next run makes while it
/// fetches Git.
enum SyncReadsFile {
    static let header = "gitcanary-sync-reads/1"

    /// The reads at `location`; empty when missing or unreadable.
    static func load(_ location: PlanMemoLocation) -> [SyncRead] {
        (MemoFile.lines(at: location.reads, header: header) ?? []).compactMap { SyncRead(line: Substring($0)) }
    }

    static func save(_ reads: [SyncRead], _ location: PlanMemoLocation, logger: Logger) {
        let text = ([header] + reads.map(\.line)).joined(separator: "\n") + "\n"
        MemoFile.write(Array(text.utf8), to: location.reads, in: location.directory, logger: logger)
    }
}
