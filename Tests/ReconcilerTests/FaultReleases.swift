import Foundation

/// The releases the fault harness plays: the repository's content before and after the change, and what the
/// fault-free run ends with.
enum FaultRelease: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A new image with healthy metrics, progressive weights: promoted.
    case promotion
    /// A new image whose success rate is 50 %: rolled back.
    case rollback
    /// Blue/green: three iterations with all traffic on the primary, then all traffic to the canary, promoted.
    case blueGreen
    /// A/B testing: three iterations with the `x-user: test` header routed to the canary, promoted.
    case abTesting
    /// A new image; while its analysis is Progressing, the ConfigMap the Deployment references changes: the analysis
    /// restarts (flagger-behaviour.md §2.2 step 20, §9 scenario 10) and the new image and config are promoted.
    case configChange

    var description: String { rawValue }

    /// The phase the fault-free run settles in.
    var settledPhase: String { self == .rollback ? "Failed" : "Succeeded" }

    /// The image whose analysis fails (it must never reach the primary).
    var badImage: String? { self == .rollback ? "example/a:v3" : nil }

    /// The repository before the release (what the canary is initialized with).
    var initial: String { Self.app(image: "v1", successRate: 100, strategy: strategy, config: "1") }

    /// The repository once the release is committed.
    var released: String {
        Self.app(image: self == .rollback ? "v3" : "v2", successRate: self == .rollback ? 50 : 100, strategy: strategy, config: "1")
    }

    /// The repository after the mid-analysis config change (config-change release only).
    var configChanged: String { Self.app(image: "v2", successRate: 100, strategy: strategy, config: "2") }

    private var strategy: String {
        switch self {
        case .promotion, .rollback, .configChange: return "canary"
        case .blueGreen: return "blueGreen"
        case .abTesting: return "abTesting"
        }
    }

    static let namespace = "fh"

    /// A namespace, a ConfigMap, a Deployment referencing it and an Istio Canary with the strategy's analysis.
    static func app(image: String, successRate: Int, strategy: String, config: String) -> String {
        let analysis: String
        switch strategy {
        case "blueGreen":
            analysis = "iterations: 3"
        case "abTesting":
            analysis = """
                iterations: 3
                    match:
                      - headers: {x-user: {exact: test}}
                """
        default:
            analysis = """
                maxWeight: 20
                    stepWeight: 10
                """
        }
        return """
            apiVersion: v1
            kind: Namespace
            metadata: {name: \(namespace)}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a-config, namespace: \(namespace)}
            data: {v: "\(config)"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: a, namespace: \(namespace)}
            spec:
              replicas: 2
              selector: {matchLabels: {app: a}}
              template:
                metadata:
                  labels: {app: a}
                  annotations: {sandbox.gitcanary.dev/success-rate: "\(successRate)"}
                spec:
                  containers:
                    - name: c
                      image: "example/a:\(image)"
                      env: [{name: V, valueFrom: {configMapKeyRef: {name: a-config, key: v}}}]
            ---
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: a, namespace: \(namespace)}
            spec:
              provider: istio
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: a}
              service: {port: 80}
              analysis:
                interval: 1m
                threshold: 2
                \(analysis)
                metrics:
                  - {name: request-success-rate, interval: 1m, thresholdRange: {min: 99}}

            """
    }
}
