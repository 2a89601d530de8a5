import Applier
import Foundation
import Planner
import Resources

/// The `--output json` document of a run: revision, per-canary decisions and reasons, changes, requests by verb,
/// timings, errors.
public enum ReportJSON {
    /// The document.
    public static func document(_ r: RunReport) -> JSONValue {
        var doc: JSONValue = ["mode": .string(r.mode.rawValue), "shard": .string(r.shard.description)]
        if let rev = r.revision {
            doc["revision"] = ["commit": .string(rev.commit), "ref": .string(rev.ref), "subject": .string(rev.subject)]
        }
        if let now = r.now { doc["now"] = .string(RFC3339.format(now)) }
        var changes: [JSONValue] = []
        if let cs = r.changeSet {
            for e in cs.entries where e.action != .unchanged {
                changes.append(["object": .string(e.ref.description), "action": .string(e.action.rawValue), "message": .string(e.message)])
            }
        } else if let plan = r.syncPlan {
            for e in plan.entries where e.isWrite {
                var entry: JSONValue = ["object": .string(e.ref.description)]
                switch e.action {
                case .apply: entry["action"] = .string(e.exists ? "configure" : "create")
                case .prune: entry["action"] = "delete"
                case .unchanged: continue
                }
                entry["changes"] = .array(e.changes.map { .string($0.description) })
                changes.append(entry)
            }
        }
        doc["changes"] = .array(changes)
        doc["unchanged"] = .int(Int64(r.syncPlan?.unchangedCount ?? 0))
        doc["canaries"] = .array(r.canaries.map(canary))
        doc["reusedPlans"] = .int(Int64(r.reusedPlans))
        doc["reusedObjects"] = .int(Int64(r.reusedObjects))
        doc["prefetchedReads"] = .int(Int64(r.prefetchedReads))
        doc["requests"] = .object(JSONObject(r.requestsByVerb.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int(Int64($0.value))) }))
        doc["timings"] = .object(JSONObject(r.timings.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) }))
        doc["errors"] = .array((r.manifestErrors + r.errors + r.canaries.compactMap(\.error)).map { .string($0) })
        if let holder = r.leaseHeldBy { doc["leaseHeldBy"] = .string(holder) }
        doc["leaseTaken"] = .bool(r.leaseTaken)
        return doc
    }

    static func canary(_ c: CanaryOutcome) -> JSONValue {
        var o: JSONValue = [
            "namespace": .string(c.ref.namespace), "name": .string(c.ref.name),
            "phaseBefore": .string(c.phaseBefore.rawValue), "phase": .string(c.phaseAfter.rawValue),
            "weight": .int(Int64(c.weightAfter)), "failedChecks": .int(Int64(c.status?.failedChecks ?? 0)),
            "decision": .string(c.decision),
        ]
        if let plan = c.plan {
            o["hypothetical"] = .bool(plan.hypothetical)
            if let due = plan.nextDue { o["nextDue"] = .string(RFC3339.format(due)) }
            if let eta = plan.eta { o["eta"] = .string(RFC3339.format(eta)) }
            o["checks"] = .array(plan.checks.map { k in
                var j: JSONValue = ["kind": .string(k.kind.rawValue), "name": .string(k.name), "verdict": .string(k.verdict.rawValue), "message": .string(k.message)]
                if let v = k.value { j["value"] = .double(v) }
                return j
            })
        }
        if let e = c.execution {
            o["written"] = .array(e.written.map { .string($0) })
            o["statusWritten"] = .bool(e.statusWritten)
            if let conflict = e.conflict { o["conflict"] = .string(conflict) }
        }
        if let s = c.skipped { o["skipped"] = .string(s) }
        if !c.warnings.isEmpty { o["warnings"] = .array(c.warnings.map { .string($0) }) }
        if let e = c.error { o["error"] = .string(e) }
        return o
    }
}
