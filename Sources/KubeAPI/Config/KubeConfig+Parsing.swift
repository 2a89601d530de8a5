import Foundation
import Resources

extension KubeConfig {
    /// Reads and parses one kubeconfig file; `homeDirectory` expands paths written as `~/...`.
    public static func load(file path: String, homeDirectory: String? = nil) throws(KubeConfigError) -> KubeConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeConfigError(source: "kubeconfig \(path)", message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path, homeDirectory: homeDirectory)
    }

    /// Parses kubeconfig YAML; relative paths inside resolve against `file`'s directory, `~/` against
    /// `homeDirectory`.
    public static func parse(yaml: String, file: String, homeDirectory: String? = nil) throws(KubeConfigError) -> KubeConfig {
        let source = "kubeconfig \(file)"
        let docs: [(JSONValue, SourceMap, Int)]
        do {
            docs = try ManifestDecoder().documents(yaml: yaml, file: file)
        } catch {
            throw KubeConfigError(source: source, message: "not valid YAML: \(error)")
        }
        var config = KubeConfig()
        config.files = [file]
        guard let root = docs.first?.0, !root.isNull else { return config }
        guard root.objectValue != nil else { throw KubeConfigError(source: source, message: "the document is not a mapping") }
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let p = Parser(source: source, dir: dir, file: file, home: homeDirectory)
        for (name, c) in try p.named(root["clusters"], "clusters", "cluster") {
            if config.clusters[name] == nil { config.clusters[name] = try p.cluster(c, name: name) }
        }
        for (name, u) in try p.named(root["users"], "users", "user") {
            if config.users[name] == nil { config.users[name] = try p.user(u, name: name) }
        }
        for (name, c) in try p.named(root["contexts"], "contexts", "context") {
            guard config.contexts[name] == nil else { continue }
            config.contexts[name] = KubeConfig.Context(
                cluster: c["cluster"]?.stringValue ?? "", user: c["user"]?.stringValue ?? "",
                namespace: c["namespace"]?.stringValue)
        }
        config.currentContext = root["current-context"]?.stringValue
        return config
    }

    private struct Parser {
        let source: String
        let dir: String
        let file: String
        let home: String?

        func named(_ list: JSONValue?, _ key: String, _ inner: String) throws(KubeConfigError) -> [(String, JSONValue)] {
            guard let list, !list.isNull else { return [] }
            guard let items = list.arrayValue else { throw KubeConfigError(source: source, message: "`\(key)` is not a list") }
            var out: [(String, JSONValue)] = []
            for (i, item) in items.enumerated() {
                guard let name = item["name"]?.stringValue, !name.isEmpty else {
                    throw KubeConfigError(source: source, message: "`\(key)[\(i)]` has no `name`")
                }
                out.append((name, item[inner] ?? [:]))
            }
            return out
        }

        func path(_ v: JSONValue?) -> String? {
            guard let s = v?.stringValue, !s.isEmpty else { return nil }
            if s.hasPrefix("/") { return s }
            if s.hasPrefix("~/"), let home { return home + s.dropFirst(1) }
            return URL(fileURLWithPath: s, relativeTo: URL(fileURLWithPath: dir + "/")).standardizedFileURL.path
        }

        func base64(_ v: JSONValue?, _ what: String) throws(KubeConfigError) -> Data? {
            guard let s = v?.stringValue, !s.isEmpty else { return nil }
            guard let d = Data(base64Encoded: s.filter { !$0.isWhitespace }) else {
                throw KubeConfigError(source: source, message: "\(what) is not valid base64")
            }
            return d
        }

        func cluster(_ c: JSONValue, name: String) throws(KubeConfigError) -> KubeConfig.Cluster {
            var out = KubeConfig.Cluster()
            out.server = c["server"]?.stringValue ?? ""
            out.certificateAuthority = path(c["certificate-authority"])
            out.certificateAuthorityData = try base64(c["certificate-authority-data"], "cluster \"\(name)\" certificate-authority-data")
            out.insecureSkipTLSVerify = c["insecure-skip-tls-verify"]?.boolValue ?? false
            out.tlsServerName = c["tls-server-name"]?.stringValue
            out.proxyURL = c["proxy-url"]?.stringValue
            out.file = file
            return out
        }

        func user(_ u: JSONValue, name: String) throws(KubeConfigError) -> KubeConfig.User {
            var out = KubeConfig.User()
            out.token = u["token"]?.stringValue.map(Redacted.init)
            out.tokenFile = path(u["tokenFile"])
            out.clientCertificate = path(u["client-certificate"])
            out.clientCertificateData = try base64(u["client-certificate-data"], "user \"\(name)\" client-certificate-data")
            out.clientKey = path(u["client-key"])
            if let key = try base64(u["client-key-data"], "user \"\(name)\" client-key-data") {
                out.clientKeyData = Redacted(String(decoding: key, as: UTF8.self))
            }
            out.username = u["username"]?.stringValue
            out.password = u["password"]?.stringValue.map(Redacted.init)
            if let e = u["exec"], !e.isNull { out.exec = try exec(e, user: name) }
            out.file = file
            return out
        }

        func exec(_ e: JSONValue, user: String) throws(KubeConfigError) -> ExecConfig {
            guard let command = e["command"]?.stringValue, !command.isEmpty else {
                throw KubeConfigError(source: source, message: "user \"\(user)\" has an exec plugin without `command`")
            }
            let api = e["apiVersion"]?.stringValue ?? ""
            guard ExecConfig.supportedAPIVersions.contains(api) else {
                throw KubeConfigError(
                    source: source,
                    message: "user \"\(user)\": exec apiVersion \"\(api)\" is not supported (use "
                        + ExecConfig.supportedAPIVersions.joined(separator: " or ") + ")")
            }
            // A bare command name is looked up on PATH; a relative path is relative to the kubeconfig file.
            let resolved = command.contains("/") ? (path(.string(command)) ?? command) : command
            let env = (e["env"]?.arrayValue ?? []).compactMap { v -> (String, String)? in
                guard let n = v["name"]?.stringValue else { return nil }
                return (n, v["value"]?.stringValue ?? "")
            }
            return ExecConfig(
                apiVersion: api, command: resolved, args: (e["args"]?.arrayValue ?? []).compactMap(\.stringValue),
                env: env.map { ExecConfig.EnvVar(name: $0.0, value: $0.1) },
                interactiveMode: e["interactiveMode"]?.stringValue ?? "IfAvailable",
                installHint: e["installHint"]?.stringValue ?? "",
                provideClusterInfo: e["provideClusterInfo"]?.boolValue ?? false)
        }
    }
}
