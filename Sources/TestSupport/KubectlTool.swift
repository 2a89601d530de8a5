import Foundation

/// The installed `kubectl`, if any, with its client version, for tests that use kubectl as the judge.
public struct KubectlTool: Sendable {
    /// The executable path.
    public var path: String
    /// The client minor version (32 for v1.32.4), 0 when unknown.
    public var minor: Int
    /// The version text, e.g. `v1.32.4`.
    public var gitVersion: String

    /// Finds kubectl (`GITCANARY_KUBECTL`, then PATH); nil when it is not installed.
    public static func detect() -> KubectlTool? {
        detect(candidates: [ProcessInfo.processInfo.environment["GITCANARY_KUBECTL"], "kubectl"].compactMap { $0 })
    }

    /// Finds the old kubectl 1.20 that `scripts/setup` unpacks from Debian's `kubernetes-client` into
    /// `.tools/kubectl-1.20/` of the package (or `GITCANARY_KUBECTL_LEGACY`); nil when absent.
    public static func detectLegacy(packageRoot: String) -> KubectlTool? {
        let candidates = [
            ProcessInfo.processInfo.environment["GITCANARY_KUBECTL_LEGACY"],
            packageRoot + "/.tools/kubectl-1.20/usr/bin/kubectl",
        ].compactMap { $0 }
        return detect(candidates: candidates.filter { FileManager.default.isExecutableFile(atPath: $0) })
    }

    private static func detect(candidates: [String]) -> KubectlTool? {
        for candidate in candidates {
            guard let path = SandboxProcessRunner.which(candidate) else { continue }
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-version-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: home) }
            guard let result = try? SandboxProcessRunner.run(
                path, ["version", "--client", "-o", "json"], environment: ["HOME": home], timeout: 20),
                result.status == 0
            else { continue }
            let text = result.stdout
            let git = Self.field(text, "gitVersion") ?? ""
            let minor = Int((Self.field(text, "minor") ?? "").filter(\.isNumber)) ?? 0
            return KubectlTool(path: path, minor: minor, gitVersion: git)
        }
        return nil
    }

    /// Whether this kubectl knows `--server-side` apply (1.18+) and `--show-managed-fields` (1.21+).
    public var supportsShowManagedFields: Bool { minor >= 21 }

    private static func field(_ json: String, _ name: String) -> String? {
        guard let r = json.range(of: "\"\(name)\": \"") ?? json.range(of: "\"\(name)\":\"") else { return nil }
        let rest = json[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
