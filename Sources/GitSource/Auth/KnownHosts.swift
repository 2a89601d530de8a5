import Foundation

/// An OpenSSH `known_hosts` file: host patterns (plain, `[host]:port`, wildcards, negations, hashed `|1|salt|hash`)
/// and their public keys. `@cert-authority` lines are ignored; `@revoked` keys are refused.
struct KnownHosts: Sendable {
    struct Entry: Sendable {
        var patterns: [String]
        var keyType: String
        var key: [UInt8]
        var revoked: Bool
    }

    /// The outcome of a host key check.
    enum Verdict: Equatable, Sendable {
        /// A line lists this host with this key.
        case trusted
        /// The host is listed, but with other keys (of the same type): possible man-in-the-middle.
        case mismatch
        /// The key is listed as `@revoked`.
        case revoked
        /// The host is not listed (or only with keys of other types).
        case unknown
    }

    var entries: [Entry]

    /// Parses the text of a `known_hosts` file; malformed lines are skipped.
    init(text: String) {
        var entries: [Entry] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            var fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                if first == "@revoked" { revoked = true } else { continue }
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            entries.append(Entry(patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1], key: Array(key), revoked: revoked))
        }
        self.entries = entries
    }

    /// Reads a file.
    init(contentsOf path: String) throws(GitSourceError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitSourceError(.invalidConfiguration, "cannot read known_hosts file \(path)")
        }
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// The name `known_hosts` uses for a host and port: `host` for port 22, `[host]:port` otherwise.
    static func hostName(_ host: String, port: Int?) -> String {
        guard let port, port != 22 else { return host }
        return "[\(host)]:\(port)"
    }

    /// Checks a host key (raw SSH wire-format bytes, as in the file's base64 field).
    func verify(host: String, port: Int?, keyType: String?, key: [UInt8]) -> Verdict {
        let name = KnownHosts.hostName(host, port: port)
        var listedWithOtherKey = false
        for entry in entries where KnownHosts.matches(entry.patterns, name) {
            if entry.key == key { return entry.revoked ? .revoked : .trusted }
            if !entry.revoked, keyType == nil || keyType == entry.keyType { listedWithOtherKey = true }
        }
        return listedWithOtherKey ? .mismatch : .unknown
    }

    static func matches(_ patterns: [String], _ name: String) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("|1|") {
                if hashedMatches(pattern, name) { matched = true }
            } else if pattern.hasPrefix("!") {
                if glob(String(pattern.dropFirst()).lowercased(), name.lowercased()) { return false }
            } else if glob(pattern.lowercased(), name.lowercased()) {
                matched = true
            }
        }
        return matched
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
    static func hashedMatches(_ pattern: String, _ name: String) -> Bool {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
        guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
            let hash = Data(base64Encoded: String(parts[2]))
        else { return false }
        return SHA1.hmac(key: Array(salt), message: Array(name.utf8)) == Array(hash)
    }

    /// `*` and `?` wildcards, as OpenSSH's `match_pattern`.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
