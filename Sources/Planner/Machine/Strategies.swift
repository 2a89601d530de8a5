import Foundation
import Resources

/// The strategies of §2.4: canary weights, Blue/Green iterations, A/B iterations, and the promotion gate.
struct Strategies {
    let tick: Tick
    let ctx: CanaryContext
    var b: PlanBuilder { tick.b }
    var canary: Canary { tick.canary }
    var transitions: Transitions { Transitions(tick: tick, ctx: ctx) }

    func run() async {
        var iterations = canary.iterations
        var strategy = canary.strategy
        if ctx.provider == "kubernetes" {
            if strategy == .abTesting {
                b.warn("A/B testing is not supported when using the kubernetes provider")
                strategy = .blueGreen
            }
            if iterations < 1 {
                b.warn("Progressive traffic is not supported when using the kubernetes provider")
                b.warn("Setting canaryAnalysis.iterations: 10")
                iterations = 10
                strategy = .blueGreen
            }
        }
        switch strategy {
        case .abTesting: await abTesting(n: iterations)
        case .blueGreen: await blueGreen(n: iterations)
        case .canary: await weights()
        }
        Advance(tick: tick, ctx: ctx).recordChecks()
    }

    /// §2.4.1.
    func weights() async {
        let current = b.status.canaryWeight ?? 0
        let step = canary.nextStepWeight(from: current)
        guard step > 0 else {
            b.touchStatus(ctx)
            b.decide("nothing to do: neither stepWeight nor stepWeights gives a next weight")
            return
        }
        let mirrored = b.status.mirrored ?? false
        if !mirrored && ![.promoting, .waitingPromotion, .finalising].contains(b.phase) {
            if let closed = await tick.confirmGate(.confirmTrafficIncrease, persisted: "traffic-increase",
                                                   commit: b.status.revision?.commit ?? b.input.revision.commit, phase: .progressing,
                                                   passedText: { "Confirm-traffic-increase check \($0) passed" }) {
                if closed.notDone {
                    b.abandonStep("confirm-traffic-increase hook \(closed.summary)")
                    return
                }
                b.warn("Halt \(ctx.name) advancement waiting for traffic increase approval \(closed.name)")
                if !closed.mute { b.alert("Canary traffic increase is waiting for approval.", .warn) }
                b.touchStatus(ctx)
                b.decide("waiting for traffic increase approval at weight \(current): \(closed.summary)")
                return
            }
        }
        if current < canary.maxWeight {
            var routes: Routes
            if canary.effectiveAnalysis?.mirror == true && current == 0 {
                routes = mirrored ? Routes(primary: 100 - step, canary: step, mirrored: false)
                                  : Routes(primary: 100, canary: 0, mirrored: true)
            } else {
                routes = Routes(primary: max(0, 100 - current - step), canary: min(100, current + step))
            }
            _ = b.setRoutes(ctx, routes, reason: "analysis passed: canary weight \(routes.canary)")
            b.touchStatus(ctx)
            b.info("Advance \(ctx.name) canary weight \(routes.canary)")
            let what = routes.mirrored ? "mirror traffic to the canary (weight 0)" : "weight \(current) → \(routes.canary)"
            let firstStep = current == 0 && !mirrored
            let why = !firstStep ? tick.passedSummary
                : (canary.webhooks(.preRollout).isEmpty ? ": analysis started" : ": analysis started, pre-rollout hooks passed")
            b.decide(what + why)
            return
        }
        guard await promotionGate() else { return }
        transitions.promoteAndStart()
    }

    /// §2.4.2.
    func blueGreen(n: Int) async {
        let i = b.status.iterations ?? 0
        if n > i {
            if ctx.provider != "kubernetes", canary.effectiveAnalysis?.mirror == true, b.status.mirrored != true {
                _ = b.setRoutes(ctx, Routes(primary: 100, canary: 0, mirrored: true), reason: "blue/green: mirror traffic to the canary")
            }
            b.status.iterations = i + 1
            b.touchStatus(ctx)
            b.info("Advance \(ctx.name) canary iteration \(i + 1)/\(n)")
            b.decide("iteration \(i + 1)/\(n)" + tick.passedSummary)
            return
        }
        guard await promotionGate() else { return }
        if n == i {
            if ctx.provider != "kubernetes" {
                b.info(canary.effectiveAnalysis?.mirror == true ? "Stop traffic mirroring and route all traffic to canary"
                                                                 : "Routing all traffic to canary")
                _ = b.setRoutes(ctx, Routes(primary: 0, canary: 100), reason: "blue/green: all traffic to the canary")
            }
            b.status.iterations = i + 1
            b.touchStatus(ctx)
            b.decide("blue/green: iterations done, all traffic to the canary" + tick.passedSummary)
            return
        }
        transitions.promoteAndStart()
    }

    /// §2.4.3.
    func abTesting(n: Int) async {
        let i = b.status.iterations ?? 0
        if n > i {
            _ = b.setRoutes(ctx, Routes(primary: 0, canary: 100), reason: "A/B: matched traffic to the canary")
            b.status.iterations = i + 1
            b.touchStatus(ctx)
            b.info("Advance \(ctx.name) canary iteration \(i + 1)/\(n)")
            b.decide("A/B iteration \(i + 1)/\(n)" + tick.passedSummary)
            return
        }
        guard await promotionGate() else { return }
        transitions.promoteAndStart()
    }

    /// §2.4.4 (GitCanary keeps the real weight and iterations while WaitingPromotion, §10.15).
    func promotionGate() async -> Bool {
        guard let closed = await tick.confirmGate(.confirmPromotion, persisted: "promotion",
                                                  commit: b.status.revision?.commit ?? b.input.revision.commit, phase: .progressing,
                                                  passedText: { "Confirm-promotion check \($0) passed" }) else {
            return true
        }
        if closed.notDone {
            b.abandonStep("confirm-promotion hook \(closed.summary)")
            return false
        }
        if b.phase != .waitingPromotion {
            b.setPhase(ctx, .waitingPromotion)
            b.warn("Halt \(ctx.name) advancement waiting for promotion approval \(closed.name)")
            if !closed.mute { b.alert("Canary promotion is waiting for approval.", .warn) }
        } else {
            b.touchStatus(ctx)
        }
        b.decide("waiting for promotion approval: \(closed.summary)")
        return false
    }
}
