import Foundation
import Resources

/// Rollback, promotion, finalisation and skip-analysis (flagger-behaviour.md §2.4–§2.7, §5.6).
struct Transitions {
    let tick: Tick
    let ctx: CanaryContext
    var b: PlanBuilder { tick.b }
    var canary: Canary { tick.canary }

    /// Rollback (§2.6): routes to the primary, target parked, Failed, the revision remembered as failed.
    func rollback(reason: String, threshold: Int? = nil) async {
        if let n = threshold {
            b.warn("Rolling back \(ctx.name) failed checks threshold reached \(n)")
            b.alert("Failed checks threshold reached \(n)", .error)
        }
        guard b.setRoutes(ctx, Routes(primary: 100, canary: 0), reason: "rollback: all traffic back to the primary") else {
            b.decide("rollback blocked: the routes could not be rendered")
            return
        }
        b.warn("Canary failed! Scaling down \(ctx.targetID)", phase: .failed)
        tick.scaleToZero(ctx, reason: "rollback")
        let failedRecordChecks = b.plan.checks
        b.syncStatus(ctx, phase: .failed)
        b.status.mirrored = false
        let previous = b.observedStatus.failedRevision
        b.status.failedRevision = FailedRevisionRecord(
            specHash: ctx.targetHash, commit: b.status.revision?.commit ?? b.input.revision.commit, failedAt: b.now,
            reason: reason, retriedBy: previous?.specHash == ctx.targetHash ? previous?.retriedBy : nil)
        var counters = b.status.counters ?? CanaryCounters()
        counters.rollbacks = (counters.rollbacks ?? 0) + 1
        b.status.counters = counters
        b.status.checks = Array(((b.status.checks ?? []) + failedRecordChecks).suffix(ctx.settings.maxCheckRecords))
        await tick.postRollout(phase: .failed)
        b.decide("rollback: \(reason)")
    }

    /// Failed promotion (§2.7): the primary is not healthy after promotion; traffic goes to the target, which is
    /// the only healthy copy and is never scaled down here.
    func failedPromotion(_ message: String) async {
        b.warn("Promotion of \(ctx.targetID) failed, primary not ready: \(message)")
        b.alert("Promotion failed, primary not ready: \(message)", .error)
        guard b.setRoutes(ctx, Routes(primary: 0, canary: 100), reason: "failed promotion: all traffic to the target") else {
            b.decide("failed promotion blocked: the routes could not be rendered")
            return
        }
        b.syncStatus(ctx, phase: .failed, weight: 100)
        b.status.failedRevision = FailedRevisionRecord(specHash: ctx.targetHash,
                                                       commit: b.status.revision?.commit ?? b.input.revision.commit,
                                                       failedAt: b.now, reason: "promotion failed: \(message)")
        var counters = b.status.counters ?? CanaryCounters()
        counters.rollbacks = (counters.rollbacks ?? 0) + 1
        b.status.counters = counters
        await tick.postRollout(phase: .failed)
        b.decide("failed promotion: \(message); traffic stays on \(ctx.targetID)")
    }

    /// Promote (§5.6): the target's spec is copied to the primary, with fresh `-primary` configs.
    func promote() {
        b.info("Copying \(ctx.targetID) template spec to \(canary.primaryName).\(canary.namespace)")
        if let svc = ctx.targetService {
            var primary = ctx.observed("Service", canary.primaryServiceName) ?? [
                "apiVersion": "v1", "kind": "Service",
                "metadata": ["name": .string(canary.primaryServiceName), "namespace": .string(canary.namespace)],
            ]
            var spec = svc.spec
            spec["clusterIP"] = primary["spec", "clusterIP"]
            spec["clusterIPs"] = primary["spec", "clusterIPs"]
            primary["spec"] = spec
            primary["status"] = nil
            b.change(primary, "promote: the primary service takes the target service's spec")
            return
        }
        guard let target = ctx.target else { return }
        for config in ctx.trackedConfigs {
            b.ensure(ConfigTracking.primaryCopy(config, canary: canary, includePrefixes: ctx.settings.includeLabelPrefix),
                     "promote: refresh the -primary copy of \(config.key)")
        }
        b.change(PrimaryWorkload.desired(target: target, existing: ctx.primary, context: ctx, promotion: true),
                 "promote: copy the target's template to \(canary.primaryName)")
    }

    /// Promote and enter Promoting (weight kept).
    func promoteAndStart() {
        promote()
        b.setPhase(ctx, .promoting)
        b.decide("promote: analysis passed at weight \(b.status.canaryWeight ?? 0)\(tick.passedSummary); "
            + "copying the target to \(canary.primaryName)")
    }

    /// Promotion traffic shift (§2.5), in phase Promoting after the primary is ready.
    func promotionShift() {
        let step = canary.stepWeightPromotion
        let current = b.status.canaryWeight ?? 0
        if ctx.provider == "kubernetes" {
            b.setPhase(ctx, .finalising)
            b.decide("finalising: primary rolled out (kubernetes provider: no traffic shift)")
            return
        }
        if step <= 0 || current <= 0 {
            // current == 0 with a promotion step: Flagger does nothing forever (§10.7); GitCanary finalises.
            b.info("Routing all traffic to primary")
            _ = b.setRoutes(ctx, Routes(primary: 100, canary: 0), reason: "promotion: all traffic to the primary")
            b.setPhase(ctx, .finalising)
            b.decide("finalising: primary rolled out, all traffic routed to it")
            return
        }
        let primary = min(100, 100 - current + step)
        let canaryWeight = max(0, current - step)
        _ = b.setRoutes(ctx, Routes(primary: primary, canary: canaryWeight), reason: "promotion: primary weight \(primary)")
        b.info("Advance \(ctx.name) primary weight \(primary)")
        if primary == 100 {
            b.setPhase(ctx, .finalising)
        } else {
            b.touchStatus(ctx)
        }
        b.decide("promoting: primary weight \(100 - current) → \(primary)")
    }

    /// Finalising (§2.2 step 25): target parked, Succeeded, post-rollout hooks.
    func finalise() async {
        tick.scaleToZero(ctx, reason: "promotion finished")
        b.setPhase(ctx, .succeeded)
        countPromotion()
        await tick.postRollout(phase: .succeeded)
        b.info("Promotion completed! Scaling down \(ctx.targetID)", phase: .succeeded)
        b.alert("Canary analysis completed successfully, promotion finished.", .info)
        b.decide("succeeded: \(canary.primaryName) runs revision \(b.status.revision.map { String($0.commit.prefix(7)) } ?? "?")")
    }

    /// Skip-analysis promotion (§2.2 step 22).
    func skipAnalysis() async {
        _ = b.setRoutes(ctx, Routes(primary: 100, canary: 0), reason: "skip analysis: all traffic to the primary")
        promote()
        _ = tick.reconcileAutoscaler(ctx, promotion: true)
        tick.scaleToZero(ctx, reason: "analysis skipped, promotion finished")
        b.setPhase(ctx, .succeeded)
        countPromotion()
        await tick.postRollout(phase: .succeeded)
        b.info("Promotion completed! Canary analysis was skipped for \(ctx.targetID)", phase: .succeeded)
        b.alert("Canary analysis was skipped, promotion finished.", .info)
        b.decide("succeeded without analysis (skipAnalysis): target copied to \(canary.primaryName)")
    }

    func countPromotion() {
        var counters = b.status.counters ?? CanaryCounters()
        counters.promotions = (counters.promotions ?? 0) + 1
        b.status.counters = counters
        b.status.failedRevision = nil
    }
}
