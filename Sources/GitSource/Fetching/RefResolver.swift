/// Resolves the configured ref against the remote's advertisement (the ls-remote answer).
///
/// Order: empty or `HEAD` → the remote's default branch; a full name (`refs/...`); a branch; a tag (annotated
/// tags are peeled through the advertised `^{}` entry); a hex string of 4–40 digits → a commit (looked up in the
/// cache, fetched when absent). Branches win over tags of the same name.
struct RefResolver {
    /// What a ref resolved to.
    enum Target: Equatable {
        /// An advertised reference: its full name, the id it points at (a tag object for annotated tags), and the
        /// commit when the remote advertised the peeled id.
        case advertised(name: String, id: ObjectID, peeled: ObjectID?)
        /// A commit id or prefix, not advertised by name.
        case commit(String)
    }

    let heads: [RemoteHead]

    func resolve(_ ref: String?, displayURL: String) throws(GitSourceError) -> Target {
        let ref = (ref ?? "").trimmingCharacters(in: .whitespaces)
        if ref.isEmpty || ref == "HEAD" { return try defaultBranch(displayURL: displayURL) }
        let candidates = ref.hasPrefix("refs/") ? [ref] : ["refs/heads/\(ref)", "refs/tags/\(ref)"]
        for name in candidates {
            if let head = heads.first(where: { $0.name == name }) {
                let peeled = heads.first(where: { $0.name == name + "^{}" })?.id
                return .advertised(name: name, id: head.id, peeled: peeled)
            }
        }
        if (4...40).contains(ref.utf8.count), ObjectID.isHex(ref) { return .commit(ref.lowercased()) }
        throw unknown(ref, displayURL: displayURL)
    }

    private func defaultBranch(displayURL: String) throws(GitSourceError) -> Target {
        guard let head = heads.first(where: { $0.name == "HEAD" }) else {
            throw GitSourceError(.unknownRef, "\(displayURL) advertises no HEAD (an empty repository?); pass --ref with a branch, tag or commit" + suggestionsSuffix(for: ""))
        }
        if let target = head.symrefTarget, let branch = heads.first(where: { $0.name == target }) {
            return .advertised(name: branch.name, id: branch.id, peeled: nil)
        }
        // Servers without the symref capability: the branch at HEAD's commit, preferring main and master.
        let same = heads.filter { $0.name.hasPrefix("refs/heads/") && $0.id == head.id }
        let preferred = same.first { $0.name == "refs/heads/main" } ?? same.first { $0.name == "refs/heads/master" } ?? same.first
        if let preferred { return .advertised(name: preferred.name, id: preferred.id, peeled: nil) }
        return .advertised(name: "HEAD", id: head.id, peeled: nil)
    }

    /// The error for a ref that names nothing: the ref, and the nearest branches and tags.
    func unknown(_ ref: String, displayURL: String) -> GitSourceError {
        GitSourceError(.unknownRef, "ref '\(ref)' is not a branch, tag or commit of \(displayURL)" + suggestionsSuffix(for: ref))
    }

    private func suggestionsSuffix(for ref: String) -> String {
        let branches = nearest(ref, prefix: "refs/heads/")
        let tags = nearest(ref, prefix: "refs/tags/")
        var parts: [String] = []
        if !branches.isEmpty { parts.append("nearest branches: " + branches.joined(separator: ", ")) }
        if !tags.isEmpty { parts.append("nearest tags: " + tags.joined(separator: ", ")) }
        return parts.isEmpty ? "; the remote has no branches or tags" : "; " + parts.joined(separator: "; ")
    }

    /// Up to five short names under `prefix`, closest first (edit distance, then substring matches, then name).
    func nearest(_ ref: String, prefix: String) -> [String] {
        let names = heads.map(\.name).filter { $0.hasPrefix(prefix) && !$0.hasSuffix("^{}") }.map { String($0.dropFirst(prefix.count)) }
        let needle = ref.lowercased()
        let scored = names.map { name -> (Int, String) in
            let distance = RefResolver.editDistance(needle, name.lowercased())
            let bonus = !needle.isEmpty && (name.lowercased().contains(needle) || needle.contains(name.lowercased())) ? -2 : 0
            return (distance + bonus, name)
        }
        return scored.sorted { $0 < $1 }.prefix(5).map(\.1)
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
