import Foundation

extension KubeStatus {
    /// Replaces every credential value the client sent (`secrets`) in the message and causes by `<redacted>`:
    /// a proxy or server that echoes request headers in its error body must not put the token into our errors.
    mutating func redact(_ secrets: [String]) {
        for secret in secrets where secret.count >= 4 {
            message = message.replacingOccurrences(of: secret, with: "<redacted>")
            for i in causes.indices {
                causes[i].message = causes[i].message.replacingOccurrences(of: secret, with: "<redacted>")
                causes[i].field = causes[i].field.replacingOccurrences(of: secret, with: "<redacted>")
            }
        }
    }

    /// The secret parts of credential headers: a bearer token, a basic-auth blob and its password, whole values
    /// of other sensitive headers.
    static func credentialValues(_ headers: [HTTPHeader]) -> [String] {
        var out: [String] = []
        for h in headers where sensitiveHeaderNames.contains(h.name.lowercased()) {
            out.append(h.value)
            let parts = h.value.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            out.append(parts[1])
            if parts[0].lowercased() == "basic", let data = Data(base64Encoded: parts[1]),
                let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
            {
                out.append(String(pair[pair.index(after: colon)...]))
            }
        }
        return out.sorted { $0.count > $1.count }
    }
}
