// swift-tools-version:6.0
// GitCanary: Flagger-compatible progressive delivery as a batch job.
// Module layering (see each module's README.md and shared design notes):
//   Resources → GitSource / KubeAPI / Planner → Analysis / Applier → Reconciler → gitcanary
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "GitCanary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gitcanary", targets: ["gitcanary"])
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libgit2 through pkg-config; typed shims live in shim.h.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        // libcurl through pkg-config; variadic setopt/getinfo wrapped in typed static inline shims.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Pure object model: JSON values, manifests, Flagger kinds, validation, hashing.
        .target(name: "Resources", dependencies: [.product(name: "Yams", package: "Yams")], exclude: ["README.md"], swiftSettings: strict),
        // Git on libgit2: fetch into a cache, resolve refs, read manifests without a checkout.
        .target(
            name: "GitSource",
            dependencies: ["Resources", "CGit2", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"], swiftSettings: strict),
        // HTTP on libcurl and the Kubernetes REST client.
        .target(
            name: "KubeAPI",
            dependencies: ["Resources", "CCurl", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"], swiftSettings: strict),
        // Metric providers, webhooks, alerts, events.
        .target(
            name: "Analysis",
            dependencies: ["Resources", "KubeAPI", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"], swiftSettings: strict),
        // Pure decisions: GitOps diff, the canary state machine, routers' desired objects.
        .target(name: "Planner", dependencies: ["Resources"], exclude: ["README.md", "Sync/README.md"], swiftSettings: strict),
        // Executes a plan against the cluster in a safe order.
        .target(
            name: "Applier",
            dependencies: ["Resources", "Planner", "KubeAPI", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"], swiftSettings: strict),
        // One run end to end.
        .target(
            name: "Reconciler",
            dependencies: [
                "Resources", "GitSource", "KubeAPI", "Analysis", "Planner", "Applier",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"], swiftSettings: strict),
        // A small HTTP/1.1 server on POSIX sockets for loopback use (Sandbox, test receivers).
        .target(name: "HTTPServer", exclude: ["README.md"], swiftSettings: strict),
        // The simulated cluster: Kubernetes API semantics, controllers, Prometheus query API, faults.
        .target(
            name: "Sandbox",
            dependencies: ["Resources", "HTTPServer", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"],
            swiftSettings: strict),
        // The command-line tool: the only place that reads the environment, bootstraps logging and exits.
        .executableTarget(
            name: "gitcanary",
            dependencies: [
                "Resources", "GitSource", "KubeAPI", "Analysis", "Planner", "Applier", "Reconciler", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"], swiftSettings: strict),
        // Test support: fixtures, temp Git repos, process helpers, loopback receivers. Never linked into the product.
        .target(
            name: "TestSupport",
            dependencies: [
                "Resources", "HTTPServer", "Sandbox", "KubeAPI", "Planner", .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"], swiftSettings: strict),
        .testTarget(name: "ResourcesTests", dependencies: ["Resources", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "TestSupport"]),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "TestSupport"]),
        .testTarget(
            name: "PlannerTests", dependencies: ["Planner", "TestSupport"], resources: [.copy("Golden"), .copy("Fixtures")]),
        .testTarget(
            name: "SandboxTests", dependencies: ["Sandbox", "KubeAPI", "Analysis", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "Sandbox", "TestSupport", "gitcanary"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Sandbox", "Resources", "HTTPServer"]),
    ],
    swiftLanguageModes: [.v6]
)
