import Foundation
import Resources

/// One tick of one canary (flagger-behaviour.md §2.2), planned rather than executed.
struct Tick {
    let b: PlanBuilder
    let probe: any AnalysisProbe
    let gates: PersistedGates
    var canary: Canary { b.canary }

    init(builder: PlanBuilder, probe: any AnalysisProbe) {
        self.b = builder
        self.probe = probe
        self.gates = PersistedGates(builder.canary)
    }

    /// Phases that advance only when `now ≥ lastStepTime + interval`.
    static let gatedPhases: Set<CanaryPhase> = [.progressing, .waitingPromotion, .promoting, .finalising]

    func run() async {
        if canary.metadata.deletionTimestamp != nil {
            await Deletion(tick: self).run()
            return
        }
        if canary.isSuspended {
            b.decideIdle("suspended: spec.suspend is true, nothing is done")
            return
        }
        ensureFinalizer()
        let ctx: CanaryContext
        switch CanaryContext.make(b.input) {
        case .success(let c): ctx = c
        case .failure(let block):
            blocked(nil, block.message)
            return
        }
        guard let router = ctx.router else {
            blocked(ctx, "provider \(ctx.provider) is not supported by this version of GitCanary")
            return
        }
        let initializing = neverInitialized
        // Step 7: the canary and primary services.
        initializeServices(ctx)
        // App Mesh: the routing objects exist before the primary pods start (§6.8).
        let routesFirst = router is any RoutesBeforePrimary
        if routesFirst, let refused = assertRoutes(ctx, router: router), initializing {
            blocked(ctx, refused)
            return
        }
        // Step 8: metric providers.
        if initializing && !canary.skipsAnalysis {
            let r = await probe.isProviderAvailable(for: canary)
            b.record(r)
            if r.verdict == .fail {
                b.warn("Error checking metric providers: \(r.message)")
            } else {
                b.info("all the metrics providers are available!")
            }
        }
        // Step 10: the primary workload.
        if !ctx.isServiceTarget, let target = ctx.target {
            if ctx.primary == nil {
                for config in ctx.trackedConfigs {
                    b.change(ConfigTracking.primaryCopy(config, canary: canary, includePrefixes: ctx.settings.includeLabelPrefix),
                             "create the -primary copy of \(config.key)")
                }
                b.change(PrimaryWorkload.desired(target: target, existing: nil, context: ctx, promotion: false),
                         "create the primary \(ctx.canary.targetKind.lowercased()) from the target")
            }
            if initializing && !canary.skipsAnalysis {
                let readiness: Readiness = ctx.primary.map {
                    Readiness.of($0, threshold: canary.primaryReadyThreshold, deadlineSeconds: canary.progressDeadlineSeconds, now: b.now)
                } ?? .waiting("waiting for rollout to finish: 0 out of \(max(1, target.replicas ?? 1)) new replicas have been updated")
                switch readiness {
                case .ready: break
                case .waiting(let m), .failed(let m):
                    blocked(ctx, "\(canary.primaryName).\(canary.namespace) not ready: \(m)",
                            nonRetriable: { if case .failed = readiness { return true } else { return false } }())
                    return
                }
            }
        }
        // Step 11: the primary autoscaler.
        if let block = reconcileAutoscaler(ctx, promotion: false) {
            blocked(ctx, block)
            return
        }
        // Step 12: the apex service.
        if !ctx.isServiceTarget {
            b.ensure(KubernetesServices.desired(.apex, context: ctx,
                                                existingApex: ctx.observed("Service", canary.apexName).map(ServiceView.init)),
                     "apex service \(canary.apexName) selects the primary pods")
        }
        // Step 13: park the target.
        if initializing { scaleToZero(ctx, reason: "initialization: the primary serves the traffic") }
        // Step 14: routing objects at the status's weights (drift correction).
        if !routesFirst, let refused = assertRoutes(ctx, router: router), initializing {
            // A router that cannot render (a missing Ingress, mirroring it cannot do) blocks initialization.
            blocked(ctx, refused)
            return
        }
        // Step 15: Initialized.
        if initializing {
            b.syncStatus(ctx, phase: .initialized)
            b.status.failedRevision = nil
            b.status.revision = GitRevisionRecord(commit: b.input.revision.commit, ref: b.input.revision.ref, observedAt: b.now)
            b.info("Initialization done! \(ctx.name)")
            b.alert("New \(canary.targetKind) detected, initialization completed.", .info, metadata: true)
            b.decide("initialized: primary \(canary.primaryName) serves 100% of the traffic")
            return
        }
        if adoptIfForeign(ctx) { return }
        await Advance(tick: self, ctx: ctx).run()
    }

    /// The canary and primary services (every tick), or the `-canary` copy of a Service target.
    func initializeServices(_ ctx: CanaryContext) {
        if KnativeTarget.isKnative(canary) { return }  // Knative: revisions instead of services (§5.1)
        if let svc = ctx.targetService {
            var copy: JSONValue = [
                "apiVersion": "v1", "kind": "Service",
                "metadata": GeneratedMetadata.metadata(name: canary.canaryServiceName, namespace: canary.namespace,
                                                       labels: JSONValue.stringMap(svc.object["metadata", "labels"]),
                                                       annotations: [:], owner: canary),
                "spec": svc.spec,
            ]
            copy.set(nil, at: ["spec", "clusterIP"])
            copy.set(nil, at: ["spec", "clusterIPs"])
            b.ensure(copy, "the -canary copy of the target service")
            if ctx.observed("Service", canary.primaryServiceName) == nil {
                var primary = copy
                primary.set(.string(canary.primaryServiceName), at: ["metadata", "name"])
                b.change(primary, "create the primary service from the target service")
            }
            return
        }
        b.ensure(KubernetesServices.desired(.canary, context: ctx, existingApex: nil),
                 "canary service \(canary.canaryServiceName) selects the target pods")
        b.ensure(KubernetesServices.desired(.primary, context: ctx, existingApex: nil),
                 "primary service \(canary.primaryServiceName) selects the primary pods")
    }

    /// Re-asserts the routing objects at the routes the status records. Returns the router's refusal, if any
    /// (warned here unless the canary is initializing: then the caller blocks on it).
    @discardableResult
    func assertRoutes(_ ctx: CanaryContext, router: any Router) -> String? {
        let routes = b.observedRoutes
        let routeContext = RouteContext(canary: canary, cookies: SessionCookies(status: b.status),
                                        settings: ctx.settings, input: ctx.input)
        switch router.desiredObjects(routeContext, routes: routes) {
        case .success(let objects):
            for o in objects { b.ensure(o, "routes at the status's weights \(routes)") }
            b.assertedRoutes = routes
            return nil
        case .failure(let e):
            if !neverInitialized { b.warn(e.message) }
            return e.message
        }
    }

    /// Creates the primary HPA when missing; at promotion also updates it. Returns a block message.
    func reconcileAutoscaler(_ ctx: CanaryContext, promotion: Bool) -> String? {
        if let ref = canary.spec.autoscalerRef, ref.kind == "ScaledObject" {
            guard let source = ctx.observed("ScaledObject", ref.name) else {
                return "ScaledObject \(ref.name).\(canary.namespace) get query error: not found"
            }
            let desired = PrimaryScaledObject.desired(source: source, context: ctx)
            if ctx.observed("ScaledObject", ref.name + "-primary") == nil {
                b.change(desired, "create the primary ScaledObject \(ref.name)-primary")
            } else if promotion {
                b.ensure(desired, "promotion: primary ScaledObject follows \(ref.name)")
            }
            return nil
        }
        guard let ref = canary.spec.autoscalerRef, ref.kind == "HorizontalPodAutoscaler" else { return nil }
        guard let source = ctx.observed("HorizontalPodAutoscaler", ref.name) else {
            return "HorizontalPodAutoscaler \(ref.name).\(canary.namespace) get query error: not found"
        }
        let desired = PrimaryAutoscaler.desired(source: HorizontalPodAutoscalerView(source), context: ctx)
        let existing = ctx.observed("HorizontalPodAutoscaler", ref.name + "-primary")
        if existing == nil {
            b.change(desired, "create the primary autoscaler \(ref.name)-primary")
        } else if promotion {
            b.ensure(desired, "promotion: primary autoscaler follows \(ref.name)")
        }
        return nil
    }

    /// KEDA: pauses (or resumes) the target's ScaledObject so it does not fight the parking of the target.
    func pauseTargetScaler(_ ctx: CanaryContext, _ pause: Bool) {
        guard let ref = canary.spec.autoscalerRef, ref.kind == "ScaledObject",
              let so = ctx.observed("ScaledObject", ref.name) else { return }
        let current = JSONValue.stringMap(so["metadata", "annotations"])[PrimaryScaledObject.pauseAnnotation]
        if pause && current == "0" || !pause && current == nil { return }
        b.patch(Manifest(object: so).ref,
                ["metadata": ["annotations": [PrimaryScaledObject.pauseAnnotation: pause ? "0" : .null]]],
                pause ? "pause the target's ScaledObject while the target is parked" : "resume the target's ScaledObject")
    }

    func scaleToZero(_ ctx: CanaryContext, reason: String) {
        pauseTargetScaler(ctx, true)
        guard let target = ctx.target else { return }
        let ref = Manifest(object: target.object).ref
        if target.isDaemonSet {
            if target.podSpec["nodeSelector", PrimaryWorkload.scaleToZeroKey] == nil {
                b.patch(ref, ["spec": ["template": ["spec": ["nodeSelector": [PrimaryWorkload.scaleToZeroKey: "true"]]]]],
                        "scale \(ctx.targetID) to zero: \(reason)")
            }
        } else if target.replicas != 0 {
            b.patch(ref, ["spec": ["replicas": 0]], "scale \(ctx.targetID) to zero: \(reason)")
        }
    }

    func scaleFromZero(_ ctx: CanaryContext, reason: String) {
        pauseTargetScaler(ctx, false)
        guard let target = ctx.target else { return }
        let ref = Manifest(object: target.object).ref
        if target.isDaemonSet {
            b.patch(ref, ["spec": ["template": ["spec": ["nodeSelector": [PrimaryWorkload.scaleToZeroKey: nil]]]]],
                    "scale \(ctx.targetID) up: \(reason)")
            return
        }
        var replicas = target.replicas ?? 0
        if replicas <= 0 {
            if let ref = canary.spec.autoscalerRef, ref.kind == "HorizontalPodAutoscaler" {
                let min = ctx.observed("HorizontalPodAutoscaler", ref.name).flatMap { HorizontalPodAutoscalerView($0).minReplicas } ?? 1
                replicas = min > 1 ? min : 1
            } else if let ref = canary.spec.autoscalerRef, ref.kind == "ScaledObject" {
                let min = ctx.observed("ScaledObject", ref.name)?["spec", "minReplicaCount"]?.intValue.map(Int.init) ?? 1
                replicas = min > 1 ? min : 1
            } else if canary.spec.autoscalerRef != nil {
                replicas = 1
            } else {
                replicas = max(1, ctx.primary?.replicas ?? 1)
            }
        }
        b.patch(ref, ["spec": ["replicas": .int(Int64(replicas))]], "scale \(ctx.targetID) up to \(replicas): \(reason)")
    }

    /// A step that cannot be taken: a Warning event; during initialization the deadline (from phaseStartTime)
    /// turns the wait into Failed with the reason, so a canary never stays Initializing silently.
    func blocked(_ ctx: CanaryContext?, _ message: String, nonRetriable: Bool = false) {
        b.warn(message)
        let phase = b.phase
        guard neverInitialized else {
            b.decide("blocked: \(message)")
            return
        }
        if phase == .failed {
            b.decide("failed during initialization: \(message); initialization resumes once this is resolved")
            return
        }
        let start = b.phaseStart ?? b.now
        let deadline = start.addingTimeInterval(Double(canary.progressDeadlineSeconds))
        if nonRetriable || b.now >= deadline {
            if let ctx { scaleToZero(ctx, reason: "initialization failed") }
            b.status.phase = .failed
            b.status.canaryWeight = 0
            b.status.failedChecks = 0
            b.status.iterations = 0
            if let ctx { b.status.lastAppliedSpec = ctx.targetHash }
            b.status.failedRevision = FailedRevisionRecord(
                specHash: ctx?.targetHash ?? "", commit: b.input.revision.commit, failedAt: b.now,
                reason: "initialization did not complete within \(canary.progressDeadlineSeconds)s: \(message)")
            if let ctx { b.touchStatus(ctx) } else { touchWithoutContext() }
            b.warn("Canary failed! Initialization of \(canary.name).\(canary.namespace) did not complete: \(message)",
                   phase: .failed)
            b.decide("failed: initialization did not complete within the progress deadline "
                + "(\(canary.progressDeadlineSeconds)s): \(message)")
            return
        }
        if b.observedStatus.phase == nil {
            b.status.phase = .initializing
            if let ctx { b.touchStatus(ctx) } else { touchWithoutContext() }
        }
        b.plan.nextDue = nil
        b.decide("initializing: \(message) (fails at \(RFC3339.format(deadline)) unless resolved)")
    }

    func touchWithoutContext() {
        if b.status.phase != b.observedStatus.phase || b.status.phaseStartTime == nil { b.status.phaseStartTime = b.now }
        b.status.lastTransitionTime = b.now
        b.status.lastStepTime = b.now
        b.status.conditions = [b.promotedCondition(kind: canary.targetKind)]
        b.statusDirty = true
    }

    /// Whether the canary has never completed initialization ("", Initializing, or Failed during initialization):
    /// such a canary (re)runs the initialization steps.
    var neverInitialized: Bool {
        let phase = b.observedStatus.phase ?? .none
        if phase == .none || phase == .initializing { return true }
        return phase == .failed && b.observedStatus.lastPromotedSpec == nil
    }

    /// `finalizer.flagger.app` follows `revertOnDeletion`.
    func ensureFinalizer() {
        let finalizers = canary.metadata.finalizers ?? []
        let key = "finalizer.flagger.app"
        let has = finalizers.contains(key)
        guard has != canary.revertsOnDeletion else { return }
        let next = has ? finalizers.filter { $0 != key } : finalizers + [key]
        b.patch(b.plan.canary, ["metadata": ["finalizers": .array(next.map(JSONValue.string))]],
                has ? "revertOnDeletion is off: remove \(key)" : "revertOnDeletion is on: add \(key)")
    }

    /// Adopts a canary whose status GitCanary never wrote (Flagger managed it): its hashes cannot be reproduced.
    /// When the target's pod template equals the primary's, the revision is adopted as promoted; otherwise the
    /// canary is treated as changed, so an analysis starts.
    func adoptIfForeign(_ ctx: CanaryContext) -> Bool {
        guard b.observedStatus.revision == nil, let recorded = b.observedStatus.lastAppliedSpec,
              !ctx.settings.specHasher.recognizes(recorded) else { return false }
        if let target = ctx.target, let primary = ctx.primary,
           PrimaryWorkload.templatesMatch(target: target, primary: primary, context: ctx) {
            b.status.lastAppliedSpec = ctx.targetHash
            b.status.lastPromotedSpec = ctx.targetHash
            b.status.trackedConfigs = ctx.trackedChecksums
            b.status.revision = GitRevisionRecord(commit: b.input.revision.commit, ref: b.input.revision.ref, observedAt: b.now)
            if Self.gatedPhases.contains(b.phase) || b.phase == .waiting { b.setPhase(ctx, .succeeded) } else { b.touchStatus(ctx) }
            b.decide("adopted from Flagger: the target's pod template equals the primary's, recorded as promoted without a new analysis")
            return true
        }
        b.status.lastAppliedSpec = "flagger:" + (b.observedStatus.lastAppliedSpec ?? "")
        b.status.revision = nil
        b.note = "adopting a canary Flagger managed: the target's pod template differs from the primary's, so it is analysed"
        return false
    }
}
