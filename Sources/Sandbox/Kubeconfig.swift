/// Kubeconfig files for the Sandbox.
enum Kubeconfig {
    static func yaml(server: String, token: String?, namespace: String) -> String {
        var user = "  user: {}\n"
        if let token { user = "  user:\n    token: \"\(token)\"\n" }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: gitcanary-sandbox
              cluster:
                server: \(server)
            contexts:
            - name: gitcanary-sandbox
              context:
                cluster: gitcanary-sandbox
                user: gitcanary-sandbox
                namespace: \(namespace)
            current-context: gitcanary-sandbox
            users:
            - name: gitcanary-sandbox

            """ + user
    }
}
