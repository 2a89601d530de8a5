import Foundation

/// Removes secret values (tokens, passwords, API keys, secret-held URLs) from text before it reaches a
/// ``Resources/CheckRecord`` message, a log line or an error.
///
/// Servers sometimes echo what they received (an `Authorization` header, a query string); a redactor built
/// from the credentials a call used scrubs them, including their Base64 forms (Basic auth).
public struct SecretRedactor: Sendable, Hashable {
    /// What replaces a secret.
    public static let mask = "[redacted]"
    private var secrets: [String]

    /// A redactor for these values; values shorter than 4 characters are ignored (they would mangle text).
    public init(_ values: [String] = []) {
        secrets = []
        for v in values { add(v) }
    }

    /// Adds a secret value (and its Base64 form).
    public mutating func add(_ value: String) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 4 else { return }
        if !secrets.contains(trimmed) { secrets.append(trimmed) }
        let b64 = Data(trimmed.utf8).base64EncodedString()
        if !secrets.contains(b64) { secrets.append(b64) }
        // Longest first, so a value containing another is masked whole.
        secrets.sort { $0.count > $1.count }
    }

    /// Adds the Basic-auth credential `user:password` in its Base64 form.
    public mutating func addBasic(user: String, password: String) {
        add(password)
        let b64 = Data("\(user):\(password)".utf8).base64EncodedString()
        if !secrets.contains(b64) { secrets.append(b64) }
        secrets.sort { $0.count > $1.count }
    }

    /// The text with every secret masked.
    public func redact(_ text: String) -> String {
        var out = text
        for s in secrets where out.contains(s) {
            out = out.replacingOccurrences(of: s, with: SecretRedactor.mask)
        }
        return out
    }

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { secrets.isEmpty }
}
