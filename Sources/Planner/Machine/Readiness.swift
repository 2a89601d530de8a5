import Foundation
import Resources

/// A workload readiness verdict (flagger-behaviour.md §5.5).
enum Readiness: Sendable, Hashable {
    case ready
    /// Not ready yet; retry.
    case waiting(String)
    /// Not ready and will not become ready (progress deadline exceeded).
    case failed(String)

    /// Deployment / DaemonSet readiness with a ready threshold in percent.
    static func of(_ w: WorkloadView, threshold: Int, deadlineSeconds: Int, now: Date) -> Readiness {
        if let g = w.generation, let og = w.observedGeneration, g > og {
            return .waiting("waiting for rollout to finish: observed deployment generation less than desired generation")
        }
        if w.isDaemonSet {
            let desired = w.statusInt("desiredNumberScheduled")
            let updated = w.statusInt("updatedNumberScheduled")
            let available = w.statusInt("numberAvailable")
            if updated < desired {
                return .waiting("waiting for rollout to finish: \(updated) out of \(desired) new pods have been updated")
            }
            if available < Int((Double(desired) * Double(threshold) / 100).rounded(.down)) {
                return .waiting("waiting for rollout to finish: \(available) of \(desired) "
                    + "(readyThreshold \(threshold)%) updated pods are available")
            }
            return .ready
        }
        var retriable = true
        if w.condition("Progressing") != nil, let available = w.condition("Available"), available.status == "False",
           available.reason == "MinimumReplicasUnavailable", let t = available.lastUpdateTime,
           t.addingTimeInterval(Double(deadlineSeconds)) < now {
            retriable = false
        }
        if w.condition("Progressing")?.reason == "ProgressDeadlineExceeded" {
            return .failed("deployment \(w.name) exceeded its progress deadline")
        }
        let updated = w.statusInt("updatedReplicas")
        let replicas = w.statusInt("replicas")
        let availableReplicas = w.statusInt("availableReplicas")
        func verdict(_ msg: String) -> Readiness { retriable ? .waiting(msg) : .failed(msg) }
        if let desired = w.replicas, updated < desired {
            return verdict("waiting for rollout to finish: \(updated) out of \(desired) new replicas have been updated")
        }
        if replicas > updated {
            return verdict("waiting for rollout to finish: \(replicas - updated) old replicas are pending termination")
        }
        if availableReplicas < Int((Double(updated) * Double(threshold) / 100).rounded(.down)) {
            return verdict("waiting for rollout to finish: \(availableReplicas) of \(updated) "
                + "(readyThreshold \(threshold)%) updated replicas are available")
        }
        return .ready
    }
}
