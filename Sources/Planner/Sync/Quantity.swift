/// A Kubernetes resource quantity (`100m`, `1.5`, `1Gi`, `1e3`) reduced to an exact canonical form, so that
/// `1000m` equals `1` and `1Gi` equals `1024Mi`.
///
/// The value is `mantissa × 10^exponent` with no trailing zeros in the mantissa; binary suffixes are multiplied out.
/// Values whose mantissa would overflow 64 bits do not parse (the caller then compares them as text).
struct Quantity: Hashable {
    var mantissa: Int64
    var exponent: Int

    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [String: Int] = ["Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60]

    /// Parses a quantity string; `nil` when it is not one.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var i = 0
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: Int64 = 0
        var exponent = 0
        var digits = 0
        var seenPoint = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                let (m1, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                mantissa = m2
                if seenPoint { exponent -= 1 }
                digits += 1
            } else if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let suffix = String(decoding: bytes[i...], as: UTF8.self)
        if let e = Self.decimalSuffixes[suffix] {
            exponent += e
        } else if let p = Self.binarySuffixes[suffix] {
            for _ in 0..<(p / 10) {
                let (m, o) = mantissa.multipliedReportingOverflow(by: 1024)
                guard !o else { return nil }
                mantissa = m
            }
        } else if let first = suffix.first, first == "e" || first == "E", let e = Int(suffix.dropFirst()), abs(e) < 1000 {
            exponent += e
        } else {
            return nil
        }
        if negative { mantissa = -mantissa }
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        if mantissa == 0 { exponent = 0 }
        self.mantissa = mantissa
        self.exponent = exponent
    }
}
