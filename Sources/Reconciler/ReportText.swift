import Applier
import Foundation
import Planner
import Resources

/// Human renderings of a ``RunReport``: the text printed by `reconcile` and `plan`, and the Markdown summary.
public enum ReportText {
    /// A weight as a small bar: `[██░░░░░░░░]  20%`.
    public static func bar(_ weight: Int, width: Int = 10) -> String {
        let w = max(0, min(100, weight))
        let filled = Int((Double(w) / 100 * Double(width)).rounded())
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]" + String(format: " %3d%%", w)
    }

    /// RFC 3339 without fractions.
    public static func time(_ d: Date?) -> String { d.map { RFC3339.format($0) } ?? "-" }

    /// The report as text.
    public static func render(_ r: RunReport) -> String {
        var out: [String] = []
        if let rev = r.revision {
            out.append("revision \(rev.ref)@\(rev.shortCommit) \(rev.subject.isEmpty ? "" : "(\(rev.subject))")  now \(time(r.now))"
                + (r.shard.isSharded ? "  shard \(r.shard)" : ""))
        }
        for e in r.manifestErrors { out.append("error: \(e)") }
        if let plan = r.syncPlan {
            if r.mode == .plan {
                let writes = plan.entries.filter(\.isWrite)
                out.append("sync (would apply): \(plan.applyCount) apply, \(plan.pruneCount) prune, \(plan.unchangedCount) unchanged")
                for e in writes {
                    switch e.action {
                    case .apply: out.append("  \(e.ref) \(e.exists ? "configured" : "created")")
                    case .prune: out.append("  \(e.ref) deleted (prune)")
                    case .unchanged: break
                    }
                    out += e.changes.map { "      \($0)" }
                }
            } else if let cs = r.changeSet {
                out.append("sync: \(cs.summary)")
                out += cs.reportLines(changes: false).dropLast().map { "  " + $0 }
            } else {
                out.append("sync: \(plan.unchangedCount) unchanged" + (r.reusedObjects > 0 ? " (\(r.reusedObjects) as verified by an earlier run)" : ""))
            }
            for c in plan.conflicts { out.append("  not applied: \(c)") }
        }
        if let holder = r.leaseHeldBy {
            out.append("the Lease is held by \(holder): another run is working; nothing done, the next run goes on")
        }
        if r.canaries.isEmpty && r.revision != nil && r.errors.isEmpty { out.append("canaries: none") }
        for c in r.canaries {
            let phase = c.phaseAfter.rawValue.isEmpty ? "-" : c.phaseAfter.rawValue
            let change = c.phaseBefore != c.phaseAfter ? "\(c.phaseBefore.rawValue.isEmpty ? "(new)" : c.phaseBefore.rawValue) → \(phase)" : phase
            out.append("\(c.ref.namespace)/\(c.ref.name)  \(change)  \(bar(c.weightAfter))")
            out.append("    \(c.decision)")
            if let err = c.error, err != c.decision { out.append("    error: \(err)") }
            if let conflict = c.execution?.conflict { out.append("    conflict: \(conflict)") }
            for warning in c.warnings { out.append("    warning: \(warning)") }
            if let plan = c.plan {
                for k in plan.checks where k.verdict != .skipped || r.mode == .plan {
                    out.append("    check \(k.kind.rawValue) \(k.name): \(k.verdict.rawValue)" + (k.value.map { " value \(String(format: "%.4g", $0))" } ?? "")
                        + (k.message.isEmpty ? "" : " — \(k.message)"))
                }
                if let due = plan.nextDue { out.append("    next step due \(time(due))" + (plan.eta.map { ", ETA to promotion \(time($0))" } ?? "")) }
            }
        }
        for e in r.errors { out.append("error: \(e)") }
        let verbs = r.requestsByVerb.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out.append(String(format: "%d API requests (%@) in %.2fs", r.totalRequests, verbs, r.timings["total"] ?? 0)
            + (r.reusedPlans > 0 ? "; \(r.reusedPlans) idle canaries' plans reused from an earlier run" : ""))
        return out.joined(separator: "\n")
    }

    /// The Markdown summary for CI job pages.
    public static func markdown(_ r: RunReport) -> String {
        var out = ["## GitCanary \(r.mode.rawValue)", ""]
        if let rev = r.revision { out.append("Revision `\(rev.shortCommit)` (\(rev.ref)) — \(rev.subject)") }
        if let cs = r.changeSet { out += ["", "Sync: \(cs.summary)"] }
        if let holder = r.leaseHeldBy { out += ["", "Lease held by `\(holder)`: nothing done."] }
        out += ["", "| canary | phase | weight | decision |", "|---|---|---|---|"]
        for c in r.canaries {
            let decision = c.decision.replacingOccurrences(of: "|", with: "\\|")
            out.append("| \(c.ref.namespace)/\(c.ref.name) | \(c.phaseAfter.rawValue) | \(c.weightAfter)% | \(decision) |")
        }
        if !r.errors.isEmpty { out += ["", "### Errors"] + r.errors.map { "- \($0)" } }
        out += ["", "\(r.totalRequests) API requests, \(String(format: "%.2f", r.timings["total"] ?? 0)) s"]
        return out.joined(separator: "\n") + "\n"
    }
}
