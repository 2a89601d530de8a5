import Foundation
import HTTPServer
import Resources

extension Sandbox {
    /// The control API under `/sandbox/` (see README.md).
    func control(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let body = request.body.isEmpty ? JSONValue.object(JSONObject()) : ((try? JSONParser.parse(request.body)) ?? .null)
        guard body.objectValue != nil else { return Self.json(400, APIError.badRequest("the body must be a JSON object").status) }
        switch (request.method, request.path) {
        case ("GET", "/sandbox/requests"):
            return Self.json(200, requestCounts.json)
        case ("POST", "/sandbox/requests/reset"), ("DELETE", "/sandbox/requests"):
            resetRequestCounts()
            return Self.json(200, requestCounts.json)
        case ("GET", "/sandbox/faults"):
            return Self.json(200, .array(state.withLock { $0.faults.map(\.json) }))
        case ("POST", "/sandbox/faults"):
            guard let rule = FaultRule.parse(body) else {
                return Self.json(400, APIError.badRequest("a fault needs action status|hang|reset (and status for status)").status)
            }
            inject(rule)
            return Self.json(201, rule.json)
        case ("DELETE", "/sandbox/faults"):
            clearFaults()
            return Self.json(200, .array([]))
        case ("GET", "/sandbox/clock"):
            return Self.json(200, clockJSON())
        case ("POST", "/sandbox/clock"):
            if let text = body["set"]?.stringValue {
                guard let date = Timestamp.parse(text) else {
                    return Self.json(400, APIError.badRequest("set must be an RFC 3339 time like 2026-01-02T03:04:05Z").status)
                }
                setClock(date, freeze: body["freeze"]?.boolValue ?? false)
            } else if body["freeze"]?.boolValue == true {
                state.withLock { s in
                    s.cluster.settle()
                    s.cluster.clock.set(s.cluster.now, freeze: true)
                }
            } else if body["freeze"]?.boolValue == false {
                state.withLock { $0.cluster.clock.unfreeze() }
            }
            if let advance = body["advance"] {
                guard let seconds = advance.doubleValue ?? advance.stringValue.flatMap(DurationText.seconds) else {
                    return Self.json(400, APIError.badRequest("advance must be seconds or a duration like 90s, 5m, 1h").status)
                }
                advanceClock(by: seconds)
            }
            return Self.json(200, clockJSON())
        case ("POST", "/sandbox/tokens"):
            return tokenControl(body)
        case ("GET", "/sandbox/loadtester"):
            return Self.json(200, .array(loadtesterRecords))
        default:
            return Self.json(404, APIError.notFoundPath(request.path).status)
        }
    }

    private func clockJSON() -> JSONValue {
        state.withLock { s in
            ["now": .string(Timestamp.string(s.cluster.now)), "unix": .double(s.cluster.now.timeIntervalSince1970),
             "frozen": .bool(s.cluster.clock.isFrozen)]
        }
    }
}
