import Foundation
import Logging
import Synchronization
import TestSupport

@testable import GitSource

/// The manifest tree most tests use: nested directories, a kustomization, a symlink, a binary file, a broken file.
enum StandardTree {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: podinfo
          namespace: test
        spec:
          replicas: 2
        """
    static let serviceAndCanary = """
        apiVersion: v1
        kind: Service
        metadata:
          name: podinfo
          namespace: test
        ---
        apiVersion: flagger.app/v1beta1
        kind: Canary
        metadata:
          name: podinfo
          namespace: test
        spec:
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
        """

    static func write(to fixture: GitFixture) throws {
        try fixture.write("apps/podinfo/deployment.yaml", deployment)
        try fixture.write("apps/podinfo/service.yml", serviceAndCanary)
        try fixture.write("apps/podinfo/config.json", #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "podinfo-config", "namespace": "test"}}"#)
        try fixture.write("apps/podinfo/README.md", "not a manifest\n")
        try fixture.write("apps/kustomized/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: prod\nresources:\n  - app.yaml\n  - base\n")
        try fixture.write("apps/kustomized/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kapp\n")
        try fixture.write("apps/kustomized/not-listed.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-listed\n")
        try fixture.write("apps/kustomized/base/kustomization.yml", "resources:\n- ns.yaml\n- svc.json\n")
        try fixture.write("apps/kustomized/base/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n")
        try fixture.write("apps/kustomized/base/svc.json", #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ksvc", "namespace": "other"}}"#)
        try fixture.write("apps/broken/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n")
        try fixture.write("apps/broken/good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: still-read\n  namespace: test\n")
        try fixture.write("apps/broken/binary.yaml", bytes: [0x00, 0x01, 0x02, 0xFF, 0x00, 0x10])
        try fixture.write("apps/broken/logo.png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00])
        try fixture.write(".github/workflows/ci.yaml", "name: ci\non: push\n")
        try fixture.symlink("apps/link.yaml", to: "podinfo/deployment.yaml")
    }
}

/// A fixture with the standard tree committed on `main`, a cache directory, and a source reading it by path.
struct LocalSetup {
    let fixture: GitFixture
    let cache: String
    let firstCommit: String

    init() throws {
        fixture = try GitFixture()
        try StandardTree.write(to: fixture)
        firstCommit = try fixture.commit("Add podinfo and friends")
        cache = try fixture.scratch("cache")
    }

    func source(ref: String? = nil, path: String = "", repository: String? = nil, credentials: GitCredentials = GitCredentials(), timeout: Duration? = .seconds(20)) throws -> GitSource {
        try GitSource(repository: repository ?? fixture.work, ref: ref, path: path, cacheDirectory: cache, credentials: credentials, timeout: timeout)
    }
}

extension Array where Element == Resources.Manifest {
    /// `Kind/namespace/name` of every manifest, sorted.
    var refs: [String] { map { $0.ref.description }.sorted() }
}

import Resources

/// Expects `body` to throw a ``GitSourceError`` and returns it.
func expectGitSourceError(_ body: () async throws -> Void) async -> GitSourceError? {
    do {
        try await body()
        return nil
    } catch let error as GitSourceError {
        return error
    } catch {
        return GitSourceError(.git, "unexpected error type: \(error)")
    }
}
