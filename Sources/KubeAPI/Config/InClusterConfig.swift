import Foundation
import Resources

/// The in-cluster configuration of a pod: `KUBERNETES_SERVICE_HOST`/`_PORT` and the service-account `token`,
/// `ca.crt` and `namespace` files under an overridable root.
struct InClusterConfig {
    let inputs: KubeConfigLoader.Inputs

    init(_ inputs: KubeConfigLoader.Inputs) { self.inputs = inputs }

    func load() throws(KubeConfigError) -> KubeClientConfiguration {
        let root = inputs.serviceAccountRoot
        let source = "in-cluster configuration (KUBERNETES_SERVICE_HOST, service account files in \(root))"
        let host = inputs.environment["KUBERNETES_SERVICE_HOST"] ?? ""
        guard let port = inputs.environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw KubeConfigError(source: source, message: "KUBERNETES_SERVICE_PORT is not set")
        }
        let tokenFile = root + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw KubeConfigError(
                source: source,
                message: "the service-account token \(tokenFile) cannot be read (is automountServiceAccountToken false?)")
        }
        guard let ca = FileManager.default.contents(atPath: root + "/ca.crt") else {
            throw KubeConfigError(source: source, message: "the cluster CA \(root)/ca.crt cannot be read")
        }
        let fileNamespace = FileManager.default.contents(atPath: root + "/namespace")
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let namespace = [inputs.namespace, fileNamespace].compactMap { $0 }.first { !$0.isEmpty } ?? "default"
        return KubeClientConfiguration(
            server: "https://\(hostPart):\(port)", tls: TLSOptions(certificateAuthority: ca),
            credentials: .tokenFile(tokenFile), namespace: namespace, source: source,
            identity: Self.serviceAccountIdentity(tokenFile: tokenFile)
                ?? "the service account of this pod (namespace \(fileNamespace ?? "unknown"))")
    }

    /// `service account "system:serviceaccount:<ns>:<name>"` from the token's `sub` claim (read, not verified: it is
    /// only used to name the identity in messages), or `nil` when the token is not a readable JWT.
    static func serviceAccountIdentity(tokenFile: String) -> String? {
        guard let data = FileManager.default.contents(atPath: tokenFile) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".")
        guard parts.count == 3 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        guard let json = Data(base64Encoded: payload), let claims = try? JSONParser.parse([UInt8](json)),  // not a JWT: no name
            let sub = claims["sub"]?.stringValue, !sub.isEmpty
        else { return nil }
        return "service account \"\(sub)\""
    }
}
