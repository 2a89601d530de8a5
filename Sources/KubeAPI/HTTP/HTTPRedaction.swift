import Foundation

/// Header names whose values are secrets: never printed, dumped or logged.
let sensitiveHeaderNames: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]

extension HTTPHeader: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `Name: value`, with the value of a secret header replaced by `<redacted>`.
    public var description: String {
        "\(name): \(sensitiveHeaderNames.contains(name.lowercased()) ? "<redacted>" : value)"
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// Reflection (`dump`, `String(reflecting:)`) shows the redacted form only.
    public var customMirror: Mirror { Mirror(self, children: ["header": description]) }
}

extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `METHOD URL` and the headers, secrets redacted; never the body or TLS key material.
    public var description: String {
        "\(method) \(url) [\(headers.map(\.description).joined(separator: ", "))]"
            + (body.map { " body: \($0.count) bytes" } ?? "")
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// Reflection shows the redacted description only.
    public var customMirror: Mirror { Mirror(self, children: ["request": description]) }
}

extension TLSOptions: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Which TLS settings are present, never their bytes.
    public var description: String {
        var parts: [String] = []
        if certificateAuthority != nil { parts.append("custom CA") }
        if clientCertificate != nil { parts.append("client certificate") }
        if clientKey != nil { parts.append("client key <redacted>") }
        if insecureSkipVerify { parts.append("insecure-skip-verify") }
        if let serverName { parts.append("server name \(serverName)") }
        return "TLS(\(parts.joined(separator: ", ")))"
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// Reflection shows the description only.
    public var customMirror: Mirror { Mirror(self, children: ["tls": description]) }
}
