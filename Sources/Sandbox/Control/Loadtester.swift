import HTTPServer
import Resources

/// A Flagger-loadtester-compatible webhook receiver under `/loadtester/`: records `cmd` payloads without running
/// anything and keeps manual gates and rollback flags per canary (`name.namespace`).
struct Loadtester {
    var records: [JSONValue] = []
    var openGates: Set<String> = []
    var rollbacks: Set<String> = []

    mutating func handle(path: String, body: [UInt8]) -> (Int, String) {
        let payload = (try? JSONParser.parse(body)) ?? .null
        let canary = "\(payload["name"]?.stringValue ?? "").\(payload["namespace"]?.stringValue ?? "")"
        var sub = String(path.dropFirst("/loadtester".count))
        if sub.hasSuffix("/") && sub.count > 1 { sub.removeLast() }
        switch sub {
        case "", "/":
            guard payload.objectValue != nil else { return (400, "error: the payload is not a JSON object") }
            records.append(payload)
            if payload["metadata", "cmd"] == nil && payload["metadata", "type"]?.stringValue != "bash" {
                return (200, "recorded")
            }
            return (200, "command recorded (not run by the Sandbox)")
        case "/gate/approve": return (200, "Approved")
        case "/gate/halt": return (403, "Forbidden")
        case "/gate/check": return openGates.contains(canary) ? (200, "Approved") : (403, "Forbidden")
        case "/gate/open":
            openGates.insert(canary)
            return (202, "Gate opened")
        case "/gate/close":
            openGates.remove(canary)
            return (202, "Gate closed")
        case "/rollback/check": return rollbacks.contains(canary) ? (200, "Rollback requested") : (403, "Forbidden")
        case "/rollback/open":
            rollbacks.insert(canary)
            return (202, "Rollback opened")
        case "/rollback/close":
            rollbacks.remove(canary)
            return (202, "Rollback closed")
        case "/records":
            return (200, JSONWriter.string(.array(records)))
        default:
            return (404, "not found")
        }
    }
}
