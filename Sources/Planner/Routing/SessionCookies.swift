import Resources

/// The session-affinity cookies (`<name>=<value>`) of a canary, as kept in its status (flagger-behaviour.md §6.2).
public struct SessionCookies: Sendable, Hashable, Codable {
    /// The canary cookie in force.
    public var canary: String?
    /// The primary cookie in force.
    public var primary: String?
    /// The previous canary cookie, expired by a dedicated route.
    public var previous: String?
    /// Creates cookies.
    public init(canary: String? = nil, primary: String? = nil, previous: String? = nil) {
        self.canary = canary
        self.primary = primary
        self.previous = previous
    }

    /// The cookies as recorded in a status.
    public init(status: CanaryStatus?) {
        self.init(canary: status?.sessionAffinityCookie.nonEmpty, primary: status?.primarySessionAffinityCookie.nonEmpty,
                  previous: status?.previousSessionAffinityCookie.nonEmpty)
    }

    /// Flagger's transition on SetRoutes: with a canary weight, cookies are drawn when missing; at weight 0 the
    /// canary cookie becomes the previous one and is cleared.
    public func next(affinity: SessionAffinity?, canaryWeight: Int, random: RandomValues) -> SessionCookies {
        guard let affinity else { return self }
        var c = self
        if canaryWeight > 0 {
            if c.canary == nil { c.canary = "\(affinity.cookieName)=\(random.canaryCookie)" }
            if let p = affinity.primaryCookieName, !p.isEmpty, c.primary == nil {
                c.primary = "\(p)=\(random.primaryCookie)"
            }
        } else {
            if let current = c.canary { c.previous = current }
            c.canary = nil
        }
        return c
    }

    /// Writes the cookies into a status.
    public func write(into status: inout CanaryStatus) {
        status.sessionAffinityCookie = canary
        status.primarySessionAffinityCookie = primary
        status.previousSessionAffinityCookie = previous
    }

    /// `Set-Cookie` value: `<cookie>; Max-Age=<n>` then Domain, HttpOnly, Partitioned, Path, SameSite, Secure.
    static func setCookie(_ cookie: String, maxAge: Int, affinity: SessionAffinity) -> String {
        var s = "\(cookie); Max-Age=\(maxAge)"
        if let d = affinity.domain, !d.isEmpty { s += "; Domain=\(d)" }
        if affinity.httpOnly == true { s += "; HttpOnly" }
        if affinity.partitioned == true { s += "; Partitioned" }
        if let p = affinity.path, !p.isEmpty { s += "; Path=\(p)" }
        if let ss = affinity.sameSite, !ss.isEmpty { s += "; SameSite=\(ss)" }
        if affinity.secure == true { s += "; Secure" }
        return s
    }

    /// `(name, value)` of a `<name>=<value>` cookie.
    static func split(_ cookie: String) -> (String, String) {
        guard let eq = cookie.firstIndex(of: "=") else { return (cookie, "") }
        return (String(cookie[..<eq]), String(cookie[cookie.index(after: eq)...]))
    }
}

extension Optional where Wrapped == String {
    /// `nil` for nil or empty strings.
    var nonEmpty: String? {
        guard let s = self, !s.isEmpty else { return nil }
        return s
    }
}
