import Foundation
import Resources

/// Deletion with `revertOnDeletion` (flagger-behaviour.md §2.9): Terminating, target scaled back, routing
/// restored, then the finalizer removed once the target is ready.
struct Deletion {
    let tick: Tick
    var b: PlanBuilder { tick.b }
    var canary: Canary { tick.canary }

    func run() async {
        let key = "finalizer.flagger.app"
        let finalizers = canary.metadata.finalizers ?? []
        guard finalizers.contains(key) else {
            b.decide("deleted: owner references remove the generated objects")
            return
        }
        guard canary.revertsOnDeletion else {
            removeFinalizer(finalizers, key: key)
            return
        }
        guard case .success(let ctx) = CanaryContext.make(b.input) else {
            removeFinalizer(finalizers, key: key)
            return
        }
        if b.phase != .terminating {
            b.setPhase(ctx, .terminating)
            b.info("Terminating canary \(ctx.name)")
            if let target = ctx.target {
                let ref = Manifest(object: target.object).ref
                if target.isDaemonSet {
                    tick.scaleFromZero(ctx, reason: "canary deleted with revertOnDeletion")
                } else if target.replicas != ctx.primary?.replicas || ctx.primary == nil {
                    let replicas = max(1, ctx.primary?.replicas ?? 1)
                    b.patch(ref, ["spec": ["replicas": .int(Int64(replicas))]],
                            "canary deleted with revertOnDeletion: \(ctx.targetID) serves again")
                }
                if let apex = ctx.observed("Service", canary.apexName), ServiceView(apex).controllerOwner?.kind != "Canary" {
                    b.patch(Manifest(object: apex).ref, ["spec": ["selector": [ctx.selectorLabel: .string(ctx.selectorValue)]]],
                            "canary deleted: apex service selects the target pods again")
                }
            }
            if let router = ctx.router {
                let routeCtx = RouteContext(canary: canary, cookies: SessionCookies(status: b.status),
                                            settings: ctx.settings, input: ctx.input)
                b.plan.writes += router.finalize(routeCtx, observed: { ctx.observed($0, $1) })
            }
            b.decide("terminating: reverting \(ctx.targetID); the finalizer goes once it is ready")
            return
        }
        if let target = ctx.target {
            if case .waiting(let m) = Readiness.of(target, threshold: 100, deadlineSeconds: canary.progressDeadlineSeconds, now: b.now) {
                b.decide("terminating: waiting for \(ctx.targetID): \(m)")
                return
            }
        }
        removeFinalizer(finalizers, key: key)
        b.info("Terminated canary \(ctx.name)")
    }

    func removeFinalizer(_ finalizers: [String], key: String) {
        b.patch(b.plan.canary, ["metadata": ["finalizers": .array(finalizers.filter { $0 != key }.map(JSONValue.string))]],
                "remove \(key): deletion can proceed")
        b.decide("terminated: finalizer removed")
    }
}
