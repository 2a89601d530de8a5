/// What an untagged plain YAML scalar resolves to, decided without regular expressions.
///
/// It reproduces, byte for byte, the rules of Yams' `Resolver.default` that GitCanary's decoder relies on, in the
/// same order (bool, int, float, merge, null; timestamps, `=` and everything else are strings): YAML 1.1 booleans
/// (`yes`/`no`/`on`/`off` in three casings, as go-yaml v2 behind `sigs.k8s.io/yaml` reads them), integers in binary,
/// octal (`0o17`, `017`), decimal, hexadecimal and sexagesimal (`1:30`) form with `_` separators, and floats
/// including `.inf`/`.nan`. Yams runs one `NSRegularExpression` per rule on every scalar; this is a single pass over
/// the bytes (the resolution was ~28 % of a no-op run's CPU). `YAMLPlainScalarTests` checks it against Yams.
enum YAMLPlainScalar: Equatable {
    case null, bool, int, float, merge, string

    /// Resolves an untagged plain scalar's text.
    static func resolve(_ text: String) -> YAMLPlainScalar {
        var text = text
        return text.withUTF8 { resolve(bytes: $0) }
    }

    static func resolve(bytes s: UnsafeBufferPointer<UInt8>) -> YAMLPlainScalar {
        guard let first = s.first else { return .null }
        // Every non-string form starts with one of these bytes; most keys and values start with a letter.
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            if isInt(s) { return .int }
            if isFloat(s) { return .float }
            return .string
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
            UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            if isBool(s) { return .bool }
            if isOneOf(s, ["null", "Null", "NULL"]) { return .null }
            return .string
        case UInt8(ascii: "~"): return s.count == 1 ? .null : .string
        case UInt8(ascii: "<"): return s.count == 2 && s[1] == UInt8(ascii: "<") ? .merge : .string
        default: return .string
        }
    }

    private static func isOneOf(_ s: UnsafeBufferPointer<UInt8>, _ words: [StaticString]) -> Bool {
        for word in words where word.utf8CodeUnitCount == s.count {
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            if w.elementsEqual(s) { return true }
        }
        return false
    }

    private static func isBool(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        isOneOf(s, [
            "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
            "on", "On", "ON", "off", "Off", "OFF",
        ])
    }

    // MARK: int: [-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
    //            | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+

    private static func isInt(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var c = Cursor(s)
        c.skipSign()
        if c.peek == UInt8(ascii: "0") {
            let afterZero = c.index + 1
            if c.count - afterZero == 0 { return true }  // "0"
            let next = s[afterZero]
            if next == UInt8(ascii: "b") { return allOf(s, from: afterZero + 1, atLeastOne: true, isBinary) }
            if next == UInt8(ascii: "x") { return allOf(s, from: afterZero + 1, atLeastOne: true, isHex) }
            if next == UInt8(ascii: "o") { return allOf(s, from: afterZero + 1, atLeastOne: true, isOctal) }
            return allOf(s, from: afterZero, atLeastOne: true, isOctal)
        }
        guard let d = c.peek, d >= UInt8(ascii: "1"), d <= UInt8(ascii: "9") else { return false }
        c.index += 1
        c.skip(while: isDigitOrUnderscore)
        if c.atEnd { return true }
        return c.sexagesimalGroups() && c.atEnd
    }

    // MARK: float: [-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)?
    //              | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)

    private static func isFloat(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var c = Cursor(s)
        if c.peek == UInt8(ascii: ".") {  // unsigned: \.[0-9_]+(exp with sign)? or .inf / .nan
            let rest = UnsafeBufferPointer(rebasing: s[1...])
            if isOneOf(rest, ["inf", "Inf", "INF", "nan", "NaN", "NAN"]) { return true }
            c.index = 1
            guard c.skip(while: isDigitOrUnderscore) > 0 else { return false }
            if c.atEnd { return true }
            return c.exponent(signRequired: true) && c.atEnd
        }
        c.skipSign()
        if c.peek == UInt8(ascii: "."), c.index == 1 {
            return isOneOf(UnsafeBufferPointer(rebasing: s[2...]), ["inf", "Inf", "INF"])
        }
        guard let d = c.peek, isDigit(d) else { return false }
        c.index += 1
        c.skip(while: isDigitOrUnderscore)
        if c.peek == UInt8(ascii: ":") {  // sexagesimal float: groups then a mandatory fraction
            guard c.sexagesimalGroups(), c.peek == UInt8(ascii: ".") else { return false }
            c.index += 1
            c.skip(while: isDigitOrUnderscore)
            return c.atEnd
        }
        if c.peek == UInt8(ascii: ".") {
            c.index += 1
            c.skip(while: isDigitOrUnderscore)
        }
        if c.atEnd { return true }
        return c.exponent(signRequired: false) && c.atEnd
    }

    // MARK: byte classes

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isDigitOrUnderscore(_ b: UInt8) -> Bool { isDigit(b) || b == UInt8(ascii: "_") }
    private static func isBinary(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "0") || b == UInt8(ascii: "1") || b == UInt8(ascii: "_")
    }
    private static func isOctal(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "7")) || b == UInt8(ascii: "_")
    }
    private static func isHex(_ b: UInt8) -> Bool {
        isDigitOrUnderscore(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))
            || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
    }

    private static func allOf(
        _ s: UnsafeBufferPointer<UInt8>, from start: Int, atLeastOne: Bool, _ accept: (UInt8) -> Bool
    ) -> Bool {
        guard start <= s.count, !atLeastOne || start < s.count else { return false }
        for i in start..<s.count where !accept(s[i]) { return false }
        return true
    }

    /// A position in the scalar's bytes.
    private struct Cursor {
        let s: UnsafeBufferPointer<UInt8>
        var index = 0
        init(_ s: UnsafeBufferPointer<UInt8>) { self.s = s }

        var count: Int { s.count }
        var atEnd: Bool { index >= s.count }
        var peek: UInt8? { index < s.count ? s[index] : nil }

        mutating func skipSign() {
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
        }

        @discardableResult
        mutating func skip(while accept: (UInt8) -> Bool) -> Int {
            let start = index
            while index < s.count, accept(s[index]) { index += 1 }
            return index - start
        }

        /// `(:[0-5]?[0-9])+`: one or more groups; stops before the first byte that cannot continue a group.
        mutating func sexagesimalGroups() -> Bool {
            var groups = 0
            while peek == UInt8(ascii: ":") {
                let start = index
                index += 1
                guard let d1 = peek, YAMLPlainScalar.isDigit(d1) else {
                    index = start
                    break
                }
                index += 1
                if d1 <= UInt8(ascii: "5"), let d2 = peek, YAMLPlainScalar.isDigit(d2) { index += 1 }
                groups += 1
            }
            return groups > 0
        }

        /// `[eE][-+]?[0-9]+` (sign mandatory when `signRequired`).
        mutating func exponent(signRequired: Bool) -> Bool {
            guard peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") else { return false }
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") {
                index += 1
            } else if signRequired {
                return false
            }
            return skip(while: YAMLPlainScalar.isDigit) > 0
        }
    }
}
