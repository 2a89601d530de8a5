import Foundation
import Resources

/// Reading a directory through its `kustomization.yaml`.
///
/// GitCanary renders the common subset itself: `resources:` (files, and directories that hold a kustomization)
/// and `namespace:` (set on every namespaced object, as kustomize does). A kustomization using anything else
/// (patches, generators, images, labels, components, remote resources, ...) is rendered by an external
/// `kustomize build` (or `kubectl kustomize`) from a checkout of the commit, as Argo CD does; when neither tool
/// is on `PATH` that is an error, never a partial read.
extension TreeWalker {
    /// Keys GitCanary renders itself.
    static let builtInKeys: Set<String> = ["apiVersion", "kind", "metadata", "resources", "namespace"]

    /// Kinds kustomize never gives a namespace.
    static let clusterScopedKinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "PriorityClass", "RuntimeClass", "IngressClass", "CSIDriver", "CSINode", "VolumeAttachment",
        "PodSecurityPolicy", "CertificateSigningRequest", "ComponentStatus",
    ]

    mutating func kustomization(_ entry: TreeEntry, directory: String) throws(GitSourceError) -> [Manifest] {
        let file = directory.isEmpty ? entry.name : directory + "/" + entry.name
        let object: JSONObject
        do {
            let docs = try decoder.documents(yaml: try text(entry.id), file: file)
            guard let first = docs.first?.0.objectValue, docs.count == 1 else {
                recordError(ManifestFileError(location: SourceLocation(file: file, line: 1), message: "a kustomization must be one YAML mapping"))
                return []
            }
            object = first
        } catch let error as ManifestDecodingError {
            recordError(ManifestFileError(error))
            return []
        } catch {
            recordError(ManifestFileError(location: SourceLocation(file: file), message: "cannot read: \(error)"))
            return []
        }
        let resources = object["resources"]?.arrayValue ?? []
        var features = object.keys.filter { !TreeWalker.builtInKeys.contains($0) }
        if resources.contains(where: { $0.stringValue.map(TreeWalker.isRemote) ?? true }) { features.append("remote or non-string resources") }
        if !features.isEmpty { return try external(file: file, directory: directory, features: features) }

        var out: [Manifest] = []
        for (i, resource) in resources.enumerated() {
            guard let name = resource.stringValue else { continue }
            let target: String
            do { target = try ManifestReading.normalize(directory.isEmpty ? name : directory + "/" + name) } catch {
                recordError(ManifestFileError(location: SourceLocation(file: file), message: "resources[\(i)] '\(name)' leaves the repository"))
                continue
            }
            let location = SourceLocation(file: file, line: 0)
            do {
                switch try locate(target) {
                case .tree(let id):
                    let entries = try repository.treeEntries(id)
                    guard let k = entries.first(where: { TreeWalker.kustomizationNames.contains($0.name) && $0.isFile }) else {
                        recordError(ManifestFileError(location: location, message: "resources[\(i)] '\(name)' is a directory without a kustomization.yaml"))
                        continue
                    }
                    out += try kustomization(k, directory: target)
                case .file(let e):
                    out += self.file(e.id, path: target)
                case .other(let e):
                    recordError(ManifestFileError(location: location, message: "resources[\(i)] '\(name)' is a \(e.isSymlink ? "symlink" : "submodule"); not followed"))
                case .missing:
                    recordError(ManifestFileError(location: location, message: "resources[\(i)] '\(name)' does not exist at commit \(revision.shortCommit)"))
                }
            } catch let error as GitSourceError {
                throw error
            } catch {
                recordError(ManifestFileError(location: location, message: "cannot read resources[\(i)] '\(name)': \(error)"))
            }
        }
        if let namespace = object["namespace"]?.stringValue, !namespace.isEmpty {
            for i in out.indices where !TreeWalker.clusterScopedKinds.contains(out[i].kind) {
                out[i].object.set(.string(namespace), at: ["metadata", "namespace"])
            }
        }
        return out
    }

    static func isRemote(_ resource: String) -> Bool {
        resource.contains("://") || resource.hasPrefix("github.com/") || resource.hasPrefix("git@")
            || resource.hasPrefix("gitlab.com/") || resource.hasPrefix("bitbucket.org/")
    }

    /// Renders a kustomization with an external tool from a checkout of the commit.
    private mutating func external(file: String, directory: String, features: [String]) throws(GitSourceError) -> [Manifest] {
        let searchPath = source.toolSearchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard let tool = ExternalKustomize.find(searchPath: searchPath) else {
            throw GitSourceError(
                .kustomize,
                "\(file) at commit \(revision.shortCommit) uses \(features.sorted().joined(separator: ", ")), which GitCanary does not render itself; install kustomize (or kubectl) on PATH so it can be rendered, or limit the kustomization to resources and namespace")
        }
        let root = try checkoutDirectory()
        let dir = directory.isEmpty ? root : (root as NSString).appendingPathComponent(directory)
        logger.info("rendering kustomization with external tool", metadata: ["file": "\(file)", "tool": "\(tool.executable)"])
        let output: [UInt8]
        do {
            output = try tool.build(directory: dir, timeout: source.timeout ?? .seconds(120))
        } catch {
            recordError(ManifestFileError(location: SourceLocation(file: file, line: 1), message: RepositoryLocation.redact(error.description.replacingOccurrences(of: root + "/", with: ""), location: source.repository)))
            return []
        }
        do {
            var manifests = try decoder.decode(output, file: file)
            for i in manifests.indices {
                // Lines of the rendered stream mean nothing in the repository: point at the kustomization.
                manifests[i].source = SourceLocation(file: file, line: 1)
                manifests[i].sourceMap = SourceMap()
            }
            return manifests
        } catch {
            recordError(ManifestFileError(location: SourceLocation(file: file, line: 1), message: "the output of \(tool.executable) is not valid YAML: \(error.message)"))
            return []
        }
    }
}
