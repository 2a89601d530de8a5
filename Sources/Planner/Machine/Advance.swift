import Foundation
import Resources

/// Steps 16–30 of the tick (flagger-behaviour.md §2.2): change detection, the new-revision path, interval gating,
/// readiness, and the analysis step.
struct Advance {
    let tick: Tick
    let ctx: CanaryContext
    var b: PlanBuilder { tick.b }
    var canary: Canary { tick.canary }

    /// The revision (commit) the current analysis concerns.
    var analysedCommit: String? { b.status.revision?.commit ?? b.input.revision.commit }

    func run() async {
        b.beginStep()
        let phase = b.phase
        // Step 16: should the canary advance at all?
        if !Tick.gatedPhases.contains(phase) && phase != .waiting {
            guard newRevisionPending() else { return }
        }
        // Step 20 (before gating, so a new revision restarts at once): restart on a new revision mid-analysis.
        if phase == .progressing || phase == .waitingPromotion, targetChanged() {
            restart()
            return
        }
        // Interval gating: one step per interval.
        if Tick.gatedPhases.contains(phase), let last = b.lastStep {
            let due = last.addingTimeInterval(canary.intervalSeconds)
            if b.now < due {
                b.plan.nextDue = due
                b.decide("not due: \(phase.rawValue) weight \(b.status.canaryWeight ?? 0), next step at \(RFC3339.format(due))")
                return
            }
        }
        // Step 17: the primary must be ready.
        if !canary.skipsAnalysis, let primary = ctx.primary, !ctx.isServiceTarget {
            switch Readiness.of(primary, threshold: canary.primaryReadyThreshold,
                                deadlineSeconds: canary.progressDeadlineSeconds, now: b.now) {
            case .ready: break
            case .waiting(let m):
                let message = "\(canary.primaryName).\(canary.namespace) not ready: \(m)"
                // Only a step in progress waits against a deadline; an idle canary just waits for its primary.
                let start = phase == .promoting || phase == .finalising ? b.phaseStart : waitStart
                if Tick.gatedPhases.contains(phase), deadlinePassed(from: start) {
                    let reason = message + " (progress deadline \(canary.progressDeadlineSeconds)s exceeded)"
                    await primaryFailed(phase: phase, message: reason)
                } else {
                    b.warn(message)
                    b.decide("waiting: \(message)")
                }
                return
            case .failed(let m):
                await primaryFailed(phase: phase, message: "\(canary.primaryName).\(canary.namespace) not ready: \(m)")
                return
            }
        }
        // Step 19: a new revision (or a pending approval).
        if [.initialized, .succeeded, .failed, .waiting].contains(phase) {
            await startRun(phase: phase)
            return
        }
        // Step 21: the target must be ready.
        if let readiness = ctx.target.map({ Readiness.of($0, threshold: canary.canaryReadyThreshold,
                                                          deadlineSeconds: canary.progressDeadlineSeconds, now: b.now) })
            ?? KnativeTarget.readiness(canary, service: ctx.targetService?.object) {
            switch readiness {
            case .ready: break
            case .waiting(let m):
                let message = "canary deployment \(ctx.targetID) not ready: \(m)"
                if deadlinePassed(from: waitStart) {
                    let reason = message + " (progress deadline \(canary.progressDeadlineSeconds)s exceeded)"
                    await Transitions(tick: tick, ctx: ctx).rollback(reason: reason)
                } else {
                    b.warn(message)
                    b.decide("waiting: \(message)")
                }
                return
            case .failed(let m):
                await Transitions(tick: tick, ctx: ctx).rollback(reason: "canary deployment \(ctx.targetID) not ready: \(m)")
                return
            }
        }
        let transitions = Transitions(tick: tick, ctx: ctx)
        // Step 22: skip analysis.
        if canary.skipsAnalysis {
            await transitions.skipAnalysis()
            return
        }
        // Step 23: rollback hooks and the rollback gate.
        if phase == .progressing || phase == .waitingPromotion {
            for hook in canary.webhooks(.rollback) {
                var r = await tick.probe.call(webhook: hook, of: canary, phase: phase, checksum: b.checksum, at: b.now)
                if r.name.isEmpty { r.name = hook.name }
                b.record(r)
                if r.verdict == .hold {
                    b.abandonStep("rollback hook \(hook.name): \(r.message)")
                    return
                }
                if r.verdict == .pass || r.verdict == .skipped {
                    if r.verdict == .skipped { b.info("Rollback hook \(hook.name) not signaling a rollback"); continue }
                    b.warn("Rollback check \(hook.name) passed")
                    b.warn("Rolling back \(ctx.name) manual webhook invoked")
                    b.alert("Rolling back manual webhook invoked", .warn)
                    await transitions.rollback(reason: "rollback webhook \(hook.name) signalled a rollback")
                    return
                }
                b.info("Rollback hook \(hook.name) not signaling a rollback")
            }
            if tick.gates.rollbackRequested(commit: analysedCommit) {
                b.record(CheckRecord(kind: .gate, name: "gitcanary.dev/rollback", verdict: .fail,
                                     message: "gitcanary.dev/rollback names \(analysedCommit?.prefix(7) ?? "")"))
                b.warn("Rolling back \(ctx.name) manual webhook invoked")
                b.alert("Rolling back manual webhook invoked", .warn)
                await transitions.rollback(reason: "gitcanary.dev/rollback names this revision")
                return
            }
        }
        // Steps 24, 25: promotion traffic shift and finalisation.
        if phase == .promoting {
            if let block = tick.reconcileAutoscaler(ctx, promotion: true) {
                b.warn(block)
                b.decide("blocked: \(block)")
                return
            }
            transitions.promotionShift()
            return
        }
        if phase == .finalising {
            await transitions.finalise()
            return
        }
        // Step 26: the failed-checks threshold.
        let failed = b.status.failedChecks ?? 0
        if failed >= canary.effectiveThreshold {
            await transitions.rollback(reason: "failed checks threshold reached \(failed)", threshold: failed)
            return
        }
        // Step 28: the first step runs pre-rollout hooks; later steps run the analysis.
        let weight = b.status.canaryWeight ?? 0
        let iterations = b.status.iterations ?? 0
        let mirroredFirst = (canary.effectiveAnalysis?.mirror == true) && (b.status.mirrored == true)
        if weight == 0 && iterations == 0 && !mirroredFirst {
            b.info("Starting canary analysis for \(ctx.targetID)")
            for hook in canary.webhooks(.preRollout) {
                var r = await tick.probe.call(webhook: hook, of: canary, phase: .progressing, checksum: b.checksum, at: b.now)
                if r.name.isEmpty { r.name = hook.name }
                b.record(r)
                if r.verdict == .hold {
                    b.abandonStep("pre-rollout hook \(hook.name): \(r.message)")
                    return
                }
                if r.verdict == .fail {
                    b.warn("Halt \(ctx.name) advancement pre-rollout check \(hook.name) failed \(r.message)")
                    countFailure("pre-rollout hook \(hook.name) failed: \(r.message)")
                    return
                }
                b.info("Pre-rollout check \(hook.name) passed")
            }
        } else {
            if let (hook, r) = await tick.callHooks(.rollout, phase: .progressing) {
                if r.verdict == .hold {
                    b.abandonStep("webhook \(hook.name): \(r.message)")
                    return
                }
                b.warn("Halt \(ctx.name) advancement external check \(hook.name) failed \(r.message)")
                countFailure("webhook \(hook.name) failed: \(r.message)")
                return
            }
            if let r = await tick.runMetrics() {
                if r.verdict == .hold {
                    b.abandonStep("holding at weight \(weight): \(r.name): \(r.message) (not counted as a failed check)")
                    return
                }
                b.warn(r.message.isEmpty ? "Halt \(ctx.name) advancement \(r.name) failed" : r.message)
                countFailure("\(r.name): \(r.message)")
                return
            }
        }
        await Strategies(tick: tick, ctx: ctx).run()
    }

    /// Where a workload wait began: the later of the phase start and the last step.
    var waitStart: Date? {
        switch (b.phaseStart, b.lastStep) {
        case (let p?, let l?): return max(p, l)
        case (let p, let l): return p ?? l
        }
    }

    func deadlinePassed(from start: Date?) -> Bool {
        guard let start else { return false }
        return b.now >= start.addingTimeInterval(Double(canary.progressDeadlineSeconds))
    }

    func countFailure(_ why: String) {
        b.status.failedChecks = (b.status.failedChecks ?? 0) + 1
        b.touchStatus(ctx)
        recordChecks()
        b.decide("failed check \(b.status.failedChecks ?? 0)/\(canary.effectiveThreshold) at weight \(b.status.canaryWeight ?? 0): \(why)")
    }

    /// Keeps the last checks of the run in the status, bounded.
    func recordChecks() {
        let all = (b.status.checks ?? []) + b.plan.checks
        b.status.checks = Array(all.suffix(ctx.settings.maxCheckRecords))
    }

    func primaryFailed(phase: CanaryPhase, message: String) async {
        b.warn(message)
        let t = Transitions(tick: tick, ctx: ctx)
        if phase == .promoting || phase == .finalising {
            await t.failedPromotion(message)
        } else {
            await t.rollback(reason: message)
        }
    }

    // MARK: change detection

    /// changed(target) ⇔ lastAppliedSpec empty, or hash ≠ lastAppliedSpec and ≠ lastPromotedSpec (§5.4).
    func targetChanged() -> Bool {
        let s = b.status
        let hash = ctx.targetHash
        if (s.lastAppliedSpec ?? "").isEmpty { return true }
        if hash != s.lastAppliedSpec && hash != s.lastPromotedSpec { return true }
        return ConfigTracking.changed(current: ctx.trackedChecksums, recorded: s.trackedConfigs)
    }

    /// Step 16 for idle phases: a change, not blocked by the failed-revision memory.
    func newRevisionPending() -> Bool {
        guard targetChanged() else {
            b.decideIdle("idle: \(b.phase.rawValue), no change to \(ctx.targetID)")
            return false
        }
        if let failed = b.status.failedRevision, failed.specHash == ctx.targetHash,
           !ConfigTracking.changed(current: ctx.trackedChecksums, recorded: b.status.trackedConfigs) {
            if let retry = tick.gates.retry(commit: failed.commit), retry != failed.retriedBy {
                b.record(CheckRecord(kind: .gate, name: "gitcanary.dev/retry", verdict: .pass,
                                     message: "gitcanary.dev/retry names \(failed.commit?.prefix(7) ?? ""): analysing it again"))
                b.status.failedRevision?.retriedBy = retry
                return true
            }
            b.decideIdle("idle: revision \(failed.commit.map { String($0.prefix(7)) } ?? failed.specHash) failed"
                + (failed.reason.map { " (\($0))" } ?? "")
                + "; it is not analysed again until Git changes it or gitcanary.dev/retry names its commit")
            return false
        }
        return true
    }

    func restart() {
        b.info("New revision detected! Restarting analysis for \(ctx.targetID)")
        _ = b.setRoutes(ctx, Routes(primary: 100, canary: 0), reason: "new revision: restart the analysis at weight 0")
        b.syncStatus(ctx, phase: .progressing)
        b.status.revision = GitRevisionRecord(commit: b.input.revision.commit, ref: b.input.revision.ref, observedAt: b.now)
        b.status.checks = []
        b.decide("restart: new revision \(b.input.revision.short) of \(ctx.targetID) mid-analysis, routes back to 100/0")
    }

    /// Step 19: confirm-rollout gates, then scale up and start a run.
    func startRun(phase: CanaryPhase) async {
        // While Waiting, a further change of the target makes the pending revision the current commit.
        let changedWhileWaiting = phase == .waiting && b.status.lastAppliedSpec != ctx.targetHash
        let commit = (phase == .waiting && !changedWhileWaiting)
            ? (b.status.revision?.commit ?? b.input.revision.commit) : b.input.revision.commit
        if let closed = await tick.confirmGate(.confirmRollout, persisted: "rollout", commit: commit, phase: phase,
                                               passedText: { "Confirm-rollout check \($0) passed" }) {
            if closed.notDone {
                b.abandonStep("confirm-rollout hook \(closed.summary)")
                return
            }
            if changedWhileWaiting {
                b.status.revision = GitRevisionRecord(commit: commit, ref: b.input.revision.ref, observedAt: b.now)
                b.status.lastAppliedSpec = ctx.targetHash
                b.touchStatus(ctx)
            }
            if phase != .waiting {
                b.status.revision = GitRevisionRecord(commit: b.input.revision.commit, ref: b.input.revision.ref, observedAt: b.now)
                b.setPhase(ctx, .waiting)
                // Remember which spec waits, so a further change while Waiting is seen as a new pending revision.
                b.status.lastAppliedSpec = ctx.targetHash
                b.warn("Halt \(ctx.name) advancement waiting for approval \(closed.name)")
                if !closed.mute { b.alert("Canary is waiting for approval.", .warn) }
            }
            b.decide("waiting for rollout approval: \(closed.summary)")
            return
        }
        if b.status.revision?.commit != commit || phase != .waiting {
            b.status.revision = GitRevisionRecord(commit: commit, ref: b.input.revision.ref, observedAt: b.now)
        }
        b.info("New revision detected! Scaling up \(ctx.targetID)", phase: .progressing)
        b.alert("New revision detected, progressing canary analysis.", .info, metadata: true)
        tick.scaleFromZero(ctx, reason: "new revision \(String(commit.prefix(7)))")
        if b.observedRoutes != Routes(primary: 100, canary: 0) {
            _ = b.setRoutes(ctx, Routes(primary: 100, canary: 0), reason: "new run starts with all traffic on the primary")
        }
        b.syncStatus(ctx, phase: .progressing)
        b.status.mirrored = false
        b.status.checks = b.plan.checks.isEmpty ? [] : Array(b.plan.checks.suffix(ctx.settings.maxCheckRecords))
        if b.status.failedRevision?.specHash != ctx.targetHash { b.status.failedRevision = nil }
        b.decide("new revision \(String(commit.prefix(7))): scale up \(ctx.targetID) and start the analysis")
    }
}
