import Foundation

/// A repository as the user named it: a URL (`https`, `http`, `ssh`, `git`, `file`), an scp-like `user@host:path`,
/// or a local path (bare or not). Knows how to print itself without credentials and how to name its cache entry.
public struct RepositoryLocation: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of location.
    public enum Scheme: String, Sendable, Hashable {
        /// `https://`
        case https
        /// `http://`
        case http
        /// `ssh://` or scp-like `user@host:path`.
        case ssh
        /// `git://`
        case git
        /// `file://` or a local path.
        case file
    }

    /// What libgit2 is given (credentials in the URL are kept here only; never printed).
    let url: String
    /// The scheme.
    public let scheme: Scheme
    /// Host name (empty for local repositories).
    public let host: String
    /// Port when given.
    public let port: Int?
    /// The location with any `user:password@` removed: safe for logs, errors and output.
    public let redacted: String

    /// Parses a repository URL or path; relative paths are resolved against `currentDirectory`.
    public init(_ string: String, currentDirectory: String = FileManager.default.currentDirectoryPath) throws(GitSourceError) {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw GitSourceError(.invalidConfiguration, "the repository is empty; pass --repo URL or PATH") }
        if let range = trimmed.range(of: "://") {
            let schemeName = trimmed[..<range.lowerBound].lowercased()
            guard let scheme = Scheme(rawValue: schemeName) else {
                throw GitSourceError(.invalidConfiguration, "unsupported repository scheme '\(schemeName)' in \(RepositoryLocation.strip(trimmed)); use https, http, ssh, git or file")
            }
            self.scheme = scheme
            self.url = trimmed
            let rest = trimmed[range.upperBound...]
            let authority = rest.prefix { $0 != "/" }
            let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            (host, port) = RepositoryLocation.splitHostPort(hostPort)
            redacted = RepositoryLocation.strip(trimmed)
            if scheme != .file, host.isEmpty {
                throw GitSourceError(.invalidConfiguration, "repository URL \(redacted) has no host")
            }
            return
        }
        // scp-like: [user@]host:path, with no slash before the colon.
        if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains("/"), trimmed[..<colon].count > 1 {
            scheme = .ssh
            url = trimmed
            let authority = trimmed[..<colon]
            host = authority.split(separator: "@").last.map(String.init) ?? String(authority)
            port = nil
            redacted = trimmed
            return
        }
        scheme = .file
        let path = trimmed.hasPrefix("/") ? trimmed : (currentDirectory as NSString).appendingPathComponent(trimmed)
        url = (path as NSString).standardizingPath
        host = ""
        port = nil
        redacted = url
    }

    /// The redacted location.
    public var description: String { redacted }

    /// A stable, file-system-safe name for this repository's cache entry: a readable slug plus a hash of the
    /// redacted location (so two spellings with different credentials share one cache).
    public var cacheKey: String {
        let last = redacted.split(separator: "/").last.map(String.init) ?? "repo"
        var slug = String(last.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }.prefix(40))
        if slug.hasSuffix(".git") { slug.removeLast(4) }
        let digest = SHA1.hash(Array(redacted.utf8)).prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined()
        return (slug.isEmpty ? "repo" : slug) + "-" + digest
    }

    /// Removes `user:password@` (or `token@`) from a URL.
    static func strip(_ url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        let rest = url[range.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        let userinfo = rest[..<at]
        // An ssh user name alone is not a secret; anything with a password or on http(s) is dropped.
        let scheme = url[..<range.lowerBound].lowercased()
        if scheme == "ssh", !userinfo.contains(":") { return url }
        return String(url[..<range.upperBound]) + rest[rest.index(after: at)...]
    }

    /// Redacts every URL-looking credential in a free text (libgit2 messages may quote the URL).
    static func redact(_ text: String, location: RepositoryLocation) -> String {
        guard location.url != location.redacted else { return text }
        return text.replacingOccurrences(of: location.url, with: location.redacted)
    }

    private static func splitHostPort(_ s: String) -> (String, Int?) {
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            let host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
        }
        guard let colon = s.lastIndex(of: ":") else { return (s, nil) }
        return (String(s[..<colon]), Int(s[s.index(after: colon)...]))
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
