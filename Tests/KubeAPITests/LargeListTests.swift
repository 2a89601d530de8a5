import Foundation
import HTTPServer
import KubeAPI
import Resources
import Testing

/// LISTs of thousands of objects, paginated, parsed with the byte-based JSON parser.
@Suite("large lists")
struct LargeListTests {
    @Test func fiveThousandCanariesInPagesOfFiveHundred() async throws {
        let total = 5_000
        let item: @Sendable (Int) -> String = { i in
            #"{"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"app-\#(i)","namespace":"ns-\#(i % 50)","resourceVersion":"\#(i)","labels":{"app":"app-\#(i)"}},"spec":{"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"app-\#(i)"},"analysis":{"interval":"1m","threshold":5,"maxWeight":50,"stepWeight":10,"metrics":[{"name":"request-success-rate","thresholdRange":{"min":99},"interval":"1m"}]}},"status":{"phase":"Succeeded","canaryWeight":0,"failedChecks":0}}"#
        }
        let server = try HTTPServer { r in
            let limit = Int(r.query("limit") ?? "") ?? total
            let start = Int(r.query("continue") ?? "") ?? 0
            let end = min(total, start + limit)
            let next = end < total ? String(end) : ""
            let items = (start..<end).map(item).joined(separator: ",")
            return .json(Array(#"{"kind":"CanaryList","metadata":{"resourceVersion":"9","continue":"\#(next)"},"items":[\#(items)]}"#.utf8))
        }
        defer { server.stop() }
        let kube = KubeClient(configuration: KubeClientConfiguration(server: server.baseURL), http: try CurlHTTPClient())
        let all = try await kube.listAll(BuiltinResources.canaries, pageSize: 500)
        #expect(all.count == total)
        #expect(all.last?["metadata", "name"] == "app-4999")
        let stats = kube.accounting.total
        #expect(stats.requests == 10)
        #expect(stats.connections == 1)
        #expect(stats.bytesReceived > 2_000_000)
    }
}
