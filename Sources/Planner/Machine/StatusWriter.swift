import Foundation
import Resources

/// Flagger's status writers (flagger-behaviour.md §7.2) on the builder's working status, plus GitCanary's fields.
extension PlanBuilder {
    /// Every status write: lastTransitionTime, phase start, last step time, the Promoted condition, the checks.
    func touchStatus(_ ctx: CanaryContext) {
        if status.phase != observedStatus.phase || status.phaseStartTime == nil { status.phaseStartTime = now }
        status.lastTransitionTime = now
        status.lastStepTime = now
        status.conditions = [promotedCondition(kind: canary.targetKind)]
        statusDirty = true
    }

    /// SyncStatus: phase and counters as given; lastAppliedSpec and trackedConfigs follow the target now.
    func syncStatus(_ ctx: CanaryContext, phase: CanaryPhase, weight: Int = 0, failedChecks: Int = 0, iterations: Int = 0) {
        status.phase = phase
        status.canaryWeight = weight
        status.failedChecks = failedChecks
        status.iterations = iterations
        status.lastAppliedSpec = ctx.targetHash
        status.trackedConfigs = ctx.trackedChecksums
        if phase == .initialized { status.lastPromotedSpec = ctx.targetHash }
        touchStatus(ctx)
    }

    /// SetStatusPhase, with GitCanary's difference: WaitingPromotion keeps the real weight and iterations (§10.15).
    func setPhase(_ ctx: CanaryContext, _ p: CanaryPhase) {
        status.phase = p
        if ![.progressing, .waiting, .promoting, .waitingPromotion].contains(p) {
            status.canaryWeight = 0
            status.iterations = 0
            status.mirrored = false
        }
        if p == .initialized || p == .succeeded { status.lastPromotedSpec = status.lastAppliedSpec }
        touchStatus(ctx)
    }

    /// The `Promoted` condition for the working phase (§7.3).
    func promotedCondition(kind: String) -> CanaryCondition {
        let p = status.phase ?? .none
        let (state, message): (String, String)
        switch p {
        case .initialized: (state, message) = ("True", "\(kind) initialization completed.")
        case .waiting, .waitingPromotion: (state, message) = ("Unknown", "Waiting for approval.")
        case .progressing: (state, message) = ("Unknown", "New revision detected, progressing canary analysis.")
        case .promoting: (state, message) = ("Unknown", "Canary analysis completed, starting primary rolling update.")
        case .finalising: (state, message) = ("Unknown", "Canary analysis completed, routing all traffic to primary.")
        case .succeeded: (state, message) = ("True", "Canary analysis completed successfully, promotion finished.")
        case .failed: (state, message) = ("False", "Canary analysis failed, \(kind) scaled to zero.")
        default: (state, message) = ("Unknown", "New \(kind) detected, starting initialization.")
        }
        let reason = p == .none ? CanaryPhase.initializing.rawValue : p.rawValue
        let previous = observedStatus.conditions?.first { $0.type == "Promoted" }
        if let previous, previous.status == state, previous.reason == reason { return previous }
        let transition = (previous?.status == state) ? (previous?.lastTransitionTime ?? now) : now
        return CanaryCondition(type: "Promoted", status: state, lastUpdateTime: now, lastTransitionTime: transition,
                               reason: reason, message: message)
    }

    /// Sets the routes of this step: routing writes now (as changes), status weight, mirror and cookies.
    func setRoutes(_ ctx: CanaryContext, _ routes: Routes, reason: String) -> Bool {
        let affinity = canary.effectiveAnalysis?.sessionAffinity
        let cookies = SessionCookies(status: status).next(affinity: affinity, canaryWeight: routes.canary, random: ctx.random)
        if let router = ctx.router {
            let routeContext = RouteContext(canary: canary, cookies: cookies, settings: ctx.settings,
                                            observed: ctx.input.observed)
            switch router.desiredObjects(routeContext, routes: routes) {
            case .success(let objects):
                for o in objects { change(o, reason) }
            case .failure(let e):
                warn(e.message)
                return false
            }
        }
        cookies.write(into: &status)
        status.canaryWeight = routes.canary
        status.mirrored = routes.mirrored
        routesChanged = true
        assertedRoutes = routes
        return true
    }
}
