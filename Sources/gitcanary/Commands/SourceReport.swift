import Foundation
import GitSource
import Resources

/// Renders `gitcanary source` output: a text table or one JSON document.
enum SourceReport {
    /// How long the fetch and the read took.
    struct Timing {
        var fetch: Duration
        var read: Duration?
    }

    static func text(_ fetched: FetchResult, _ set: ManifestSet?, timing: Timing) -> String {
        let r = fetched.revision
        var lines = [
            "revision  \(r.commit) (\(r.resolvedRef))",
            "date      \(RFC3339.format(r.commitTime))",
            "author    \(r.author)",
            "subject   \(r.subject)",
            "fetch     \(fetched.cache.rawValue), \(fetched.stats.receivedObjects) objects, \(fetched.stats.receivedBytes) bytes, \(milliseconds(timing.fetch)) ms",
        ]
        guard let set else { return lines.joined(separator: "\n") }
        lines.append("path      \(set.path.isEmpty ? "/" : set.path) (read in \(milliseconds(timing.read ?? .zero)) ms)")
        lines.append("")
        let rows = set.manifests.map { [$0.kind, $0.namespace.isEmpty ? "-" : $0.namespace, $0.name, $0.source.description] }
        let header = ["KIND", "NAMESPACE", "NAME", "FILE:LINE"]
        let widths = (0..<4).map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        for row in [header] + rows {
            let padded = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            lines.append(padded.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        lines.append("\(set.manifests.count) objects")
        for s in set.skipped { lines.append("skipped: \(s)") }
        for e in set.errors { lines.append("error: \(e)") }
        return lines.joined(separator: "\n")
    }

    static func json(_ fetched: FetchResult, _ set: ManifestSet?, timing: Timing) -> String {
        let r = fetched.revision
        var value: JSONValue = [
            "revision": [
                "commit": .string(r.commit), "ref": .string(r.ref), "resolvedRef": .string(r.resolvedRef),
                "commitTime": .string(RFC3339.format(r.commitTime)), "author": .string(r.author),
                "subject": .string(r.subject),
            ],
            "fetch": [
                "cache": .string(fetched.cache.rawValue), "receivedObjects": .int(Int64(fetched.stats.receivedObjects)),
                "receivedBytes": .int(Int64(fetched.stats.receivedBytes)), "milliseconds": .int(Int64(milliseconds(timing.fetch))),
            ],
        ]
        if let set {
            let objects: [JSONValue] = set.manifests.map {
                [
                    "apiVersion": .string($0.apiVersion), "kind": .string($0.kind), "namespace": .string($0.namespace),
                    "name": .string($0.name), "file": .string($0.source.file), "line": .int(Int64($0.source.line)),
                ]
            }
            value.set(.string(set.path), at: ["path"])
            value.set(.int(Int64(milliseconds(timing.read ?? .zero))), at: ["readMilliseconds"])
            value.set(.array(objects), at: ["objects"])
            value.set(.array(set.skipped.map { ["path": .string($0.path), "kind": .string($0.kind.rawValue), "detail": .string($0.detail)] }), at: ["skipped"])
            value.set(
                .array(set.errors.map { ["file": .string($0.location.file), "line": .int(Int64($0.location.line)), "message": .string($0.message)] }),
                at: ["errors"])
        }
        return JSONWriter.string(value, options: JSONWriter.Options(pretty: true))
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
