import Foundation

/// URL helpers for requests and for messages that must not leak credentials.
enum URLText {
    /// The URL without user info, query or fragment, for messages and logs.
    static func display(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return "<invalid URL>" }
        c.user = nil
        c.password = nil
        c.query = nil
        c.fragment = nil
        return c.string ?? "<invalid URL>"
    }

    /// `scheme://host:port` of a URL, for messages.
    static func server(_ url: String) -> String {
        guard let c = URLComponents(string: url), let host = c.host else { return "<invalid URL>" }
        let port = c.port.map { ":\($0)" } ?? ""
        return "\(c.scheme ?? "http")://\(host)\(port)"
    }

    /// Whether the text parses as an absolute http(s) URL with a host.
    static func isValidHTTP(_ url: String) -> Bool {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = c.host, !host.isEmpty
        else { return false }
        return true
    }

    /// `base` with `path` appended to its path (the base path is kept) and the query pairs form-encoded
    /// after any query the base already has.
    static func join(_ base: String, path: String, query: [(String, String)] = []) -> String? {
        guard var c = URLComponents(string: base), c.host != nil else { return nil }
        var p = c.path
        while p.hasSuffix("/") { p.removeLast() }
        c.path = p + (path.hasPrefix("/") ? path : "/" + path)
        let encoded = query.map { formEncode($0.0) + "=" + formEncode($0.1) }
        if !encoded.isEmpty {
            let existing = c.percentEncodedQuery.map { [$0] } ?? []
            c.percentEncodedQuery = (existing + encoded).joined(separator: "&")
        }
        return c.string
    }

    /// Percent-encoding of a form value (`application/x-www-form-urlencoded`).
    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// HTTP reason phrases for messages in Go's `http.StatusText` form.
enum HTTPStatusText {
    static func text(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }

    /// A response body as text for messages: UTF-8, white space folded, at most `limit` characters.
    static func bodySnippet(_ body: Data, limit: Int = 512) -> String {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count <= limit { return text }
        return String(text.prefix(limit)) + "…"
    }
}
