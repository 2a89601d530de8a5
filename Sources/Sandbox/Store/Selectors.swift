import Resources

/// A parsed label selector (`app=web,tier!=db,env in (a,b),!legacy`).
struct LabelSelector {
    enum Requirement {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement] = []

    init(_ text: String) throws(APIError) {
        var rest = Substring(text.trimmingCharacters())
        while !rest.isEmpty {
            // Split on the next comma that is not inside parentheses.
            var depth = 0
            var end = rest.endIndex
            for i in rest.indices {
                if rest[i] == "(" { depth += 1 } else if rest[i] == ")" { depth -= 1 } else if rest[i] == "," && depth == 0 {
                    end = i
                    break
                }
            }
            let term = String(rest[..<end]).trimmingCharacters()
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            if term.isEmpty { continue }
            requirements.append(try Self.parse(term))
        }
    }

    private static func parse(_ term: String) throws(APIError) -> Requirement {
        if term.hasPrefix("!") { return .doesNotExist(String(term.dropFirst()).trimmingCharacters()) }
        for (op, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let r = term.range(of: op) {
                return make(String(term[..<r.lowerBound]).trimmingCharacters(), String(term[r.upperBound...]).trimmingCharacters())
            }
        }
        for (op, isIn) in [(" notin ", false), (" in ", true)] {
            if let r = term.range(of: op) {
                let key = String(term[..<r.lowerBound]).trimmingCharacters()
                var values = String(term[r.upperBound...]).trimmingCharacters()
                guard values.hasPrefix("("), values.hasSuffix(")") else {
                    throw .badRequest("unable to parse requirement: \(term): expected a parenthesised value list")
                }
                values = String(values.dropFirst().dropLast())
                let set = Set(values.split(separator: ",").map { String($0).trimmingCharacters() })
                return isIn ? .isIn(key, set) : .notIn(key, set)
            }
        }
        guard !term.contains(" ") else { throw .badRequest("unable to parse requirement: \(term)") }
        return .exists(term)
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            switch r {
            case .equals(let k, let v): return labels[k] == v
            case .notEquals(let k, let v): return labels[k] != v
            case .isIn(let k, let s): return labels[k].map(s.contains) ?? false
            case .notIn(let k, let s): return !(labels[k].map(s.contains) ?? false)
            case .exists(let k): return labels[k] != nil
            case .doesNotExist(let k): return labels[k] == nil
            }
        }
    }

    static func labels(of obj: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in obj["metadata", "labels"]?.objectValue ?? JSONObject() { out[k] = v.stringValue ?? "" }
        return out
    }
}

/// A parsed field selector (`metadata.name=web,status.phase!=Running`); paths are dotted object keys.
struct FieldSelector {
    var terms: [(path: [String], value: String, equal: Bool)] = []

    init(_ text: String) throws(APIError) {
        for raw in text.split(separator: ",") {
            let term = String(raw).trimmingCharacters()
            var op = "="
            for candidate in ["!=", "==", "="] where term.contains(candidate) {
                op = candidate
                break
            }
            guard let r = term.range(of: op) else { throw .badRequest("invalid field selector: \(term)") }
            let path = term[..<r.lowerBound].split(separator: ".").map(String.init)
            terms.append((path, String(term[r.upperBound...]), op != "!="))
        }
    }

    func matches(_ obj: JSONValue) -> Bool {
        terms.allSatisfy { term in
            let actual: String
            switch obj.value(at: term.path) {
            case .string(let s): actual = s
            case .int(let i): actual = String(i)
            case .bool(let b): actual = String(b)
            case .double(let d): actual = String(d)
            default: actual = ""
            }
            return (actual == term.value) == term.equal
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
