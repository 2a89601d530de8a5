import Foundation

/// Text edits of an example's manifests for the demo's releases, keeping the file as a person would edit it.
enum DemoEdit {
    /// Adds (or replaces) `key: "value"` in the pod template's annotations of the first `template:` block of a
    /// YAML document (a Deployment's or DaemonSet's `spec.template`, a Knative Service's `spec.template`),
    /// creating `metadata:` and `annotations:` as needed. Nil when the text has no `template:` block.
    static func annotatePodTemplate(_ text: String, key: String, value: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        func indent(_ s: String) -> Int { s.prefix { $0 == " " }.count }
        func isBlank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespaces).isEmpty || s.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }
        guard let t = lines.firstIndex(where: { trimmed($0) == "template:" }) else { return nil }
        let tIndent = indent(lines[t])
        // The template's children: up to the next line indented no deeper than `template:`.
        var end = t + 1
        while end < lines.count, isBlank(lines[end]) || indent(lines[end]) > tIndent { end += 1 }
        let childIndent = (t + 1..<end).first { !isBlank(lines[$0]) }.map { indent(lines[$0]) } ?? tIndent + 2
        let step = max(childIndent - tIndent, 2)
        let entry = { (level: Int) in String(repeating: " ", count: level) + "\(key): \"\(value)\"" }
        guard let m = (t + 1..<end).first(where: { indent(lines[$0]) == childIndent && trimmed(lines[$0]) == "metadata:" }) else {
            lines.insert(contentsOf: [
                String(repeating: " ", count: childIndent) + "metadata:",
                String(repeating: " ", count: childIndent + step) + "annotations:",
                entry(childIndent + 2 * step),
            ], at: t + 1)
            return lines.joined(separator: "\n")
        }
        var mEnd = m + 1
        while mEnd < end, isBlank(lines[mEnd]) || indent(lines[mEnd]) > childIndent { mEnd += 1 }
        let fieldIndent = (m + 1..<mEnd).first { !isBlank(lines[$0]) }.map { indent(lines[$0]) } ?? childIndent + step
        guard let a = (m + 1..<mEnd).first(where: { indent(lines[$0]) == fieldIndent && trimmed(lines[$0]) == "annotations:" }) else {
            lines.insert(contentsOf: [String(repeating: " ", count: fieldIndent) + "annotations:", entry(fieldIndent + step)], at: m + 1)
            return lines.joined(separator: "\n")
        }
        var aEnd = a + 1
        while aEnd < mEnd, isBlank(lines[aEnd]) || indent(lines[aEnd]) > fieldIndent { aEnd += 1 }
        let entryIndent = (a + 1..<aEnd).first { !isBlank(lines[$0]) }.map { indent(lines[$0]) } ?? fieldIndent + step
        if let existing = (a + 1..<aEnd).first(where: { trimmed(lines[$0]).hasPrefix("\(key):") || trimmed(lines[$0]).hasPrefix("\"\(key)\":") }) {
            lines[existing] = entry(entryIndent)
        } else {
            lines.insert(entry(entryIndent), at: a + 1)
        }
        return lines.joined(separator: "\n")
    }
}
