import Foundation
import Planner
import Resources
import Testing
import TestSupport

/// Generated routing objects of each router and strategy, compared with golden files and validated against
/// the published CRD schemas (flagger-behaviour.md §6.2, §6.3).
@Suite struct RouterGoldenTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var provider: String
        var routes: Routes
        var cookies = SessionCookies()
        var configure: @Sendable (inout Canary) -> Void = { _ in }
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "istio/default", provider: "istio", routes: Routes(primary: 90, canary: 10)),
        Case(name: "istio/ab-testing", provider: "istio", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"]]], ["headers": ["cookie": ["regex": "^(.*?;)?(canary=always)(;.*)?$"]]]]
            c.spec.service.match = [["uri": ["prefix": "/api"]]]
        },
        Case(name: "istio/mirror", provider: "istio", routes: Routes(primary: 100, canary: 0, mirrored: true)) { c in
            c.spec.analysis?.mirror = true
            c.spec.analysis?.mirrorWeight = 50
        },
        Case(name: "istio/session-affinity", provider: "istio", routes: Routes(primary: 90, canary: 10),
             cookies: SessionCookies(canary: "flagger-cookie=abcdefghij", primary: "primary-cookie=klmnopqrst")) { c in
            c.spec.analysis?.sessionAffinity = SessionAffinity(cookieName: "flagger-cookie", primaryCookieName: "primary-cookie",
                                                               maxAge: 3600, path: "/", secure: true)
        },
        Case(name: "istio/session-affinity-expire", provider: "istio", routes: Routes(primary: 100, canary: 0),
             cookies: SessionCookies(previous: "flagger-cookie=abcdefghij")) { c in
            c.spec.analysis?.sessionAffinity = SessionAffinity(cookieName: "flagger-cookie")
        },
        Case(name: "istio/tcp", provider: "istio", routes: Routes(primary: 80, canary: 20)) { c in
            c.spec.service.appProtocol = "TCP"
            c.spec.service.match = [["port": 9898]]
        },
        Case(name: "istio/gateway-options", provider: "istio", routes: Routes(primary: 70, canary: 30)) { c in
            c.spec.service.portDiscovery = true
            c.spec.service.gateways = ["public-gateway.istio-system.svc.cluster.local"]
            c.spec.service.hosts = ["app.example.com"]
            c.spec.service.timeout = "15s"
            c.spec.service.retries = ["attempts": 3, "perTryTimeout": "5s", "retryOn": "gateway-error,connect-failure"]
            c.spec.service.headers = ["request": ["add": ["x-envoy-upstream-rq-timeout-ms": "15000"]],
                                      "response": ["remove": ["x-powered-by"]]]
            c.spec.service.corsPolicy = ["allowOrigins": [["exact": "https://example.com"]], "allowMethods": ["GET"]]
            c.spec.service.rewrite = ["uri": "/", "authority": "app.internal"]
            c.spec.service.trafficPolicy = ["tls": ["mode": "ISTIO_MUTUAL"]]
            c.spec.service.apex = CustomMetadata(labels: ["team": "web"], annotations: ["note": "apex"])
        },
        Case(name: "istio/delegation", provider: "istio", routes: Routes(primary: 100, canary: 0)) { c in
            c.spec.service.delegation = true
            c.spec.service.portDiscovery = true
        },
        Case(name: "gatewayapi/v1-default", provider: "gatewayapi:v1", routes: Routes(primary: 90, canary: 10)) { c in
            c.spec.service.gatewayRefs = [["name": "gateway", "namespace": "istio-ingress"]]
            c.spec.service.hosts = ["app.example.com"]
        },
        Case(name: "gatewayapi/v1beta1-default", provider: "gatewayapi:v1beta1", routes: Routes(primary: 60, canary: 40)) { c in
            c.spec.service.gatewayRefs = [["name": "gateway", "namespace": "istio-ingress"]]
        },
        Case(name: "gatewayapi/v1-ab-testing", provider: "gatewayapi:v1", routes: Routes(primary: 0, canary: 100)) { c in
            c.spec.service.gatewayRefs = [["name": "gateway"]]
            c.spec.analysis?.iterations = 10
            c.spec.analysis?.match = [["headers": ["x-canary": ["exact": "insider"]]], ["queryParams": ["canary": ["regex": "^y.*"]]]]
            c.spec.service.match = [["uri": ["prefix": "/api"], "method": ["exact": "GET"]]]
        },
        Case(name: "gatewayapi/v1-options", provider: "gatewayapi:v1", routes: Routes(primary: 80, canary: 20)) { c in
            c.spec.service.gatewayRefs = [["name": "gateway", "sectionName": "https"]]
            c.spec.service.timeout = "30s"
            c.spec.service.backendTimeout = "10s"
            c.spec.service.headers = ["request": ["set": ["b-header": "2", "a-header": "1"], "remove": ["x-debug"]],
                                      "response": ["add": ["x-served-by": "canary"]]]
            c.spec.service.rewrite = ["uri": "/v2", "type": "ReplacePrefixMatch", "authority": "api.internal"]
            c.spec.service.corsPolicy = ["allowOrigin": ["https://example.com"]]
            c.spec.service.mirror = [["type": "RequestMirror", "requestMirror": ["backendRef": ["name": "shadow", "port": 80]]]]
        },
        Case(name: "gatewayapi/v1-bluegreen-mirror", provider: "gatewayapi:v1", routes: Routes(primary: 100, canary: 0, mirrored: true)) { c in
            c.spec.service.gatewayRefs = [["name": "gateway"]]
            c.spec.analysis?.iterations = 5
            c.spec.analysis?.mirror = true
        },
        Case(name: "gatewayapi/v1-session-affinity", provider: "gatewayapi:v1", routes: Routes(primary: 90, canary: 10),
             cookies: SessionCookies(canary: "flagger-cookie=abcdefghij", primary: "primary-cookie=klmnopqrst")) { c in
            c.spec.service.gatewayRefs = [["name": "gateway"]]
            c.spec.analysis?.sessionAffinity = SessionAffinity(cookieName: "flagger-cookie", primaryCookieName: "primary-cookie")
        },
        Case(name: "gatewayapi/v1-session-affinity-expire", provider: "gatewayapi:v1", routes: Routes(primary: 100, canary: 0),
             cookies: SessionCookies(previous: "flagger-cookie=abcdefghij")) { c in
            c.spec.service.gatewayRefs = [["name": "gateway"]]
            c.spec.analysis?.sessionAffinity = SessionAffinity(cookieName: "flagger-cookie")
        },
    ]

    @Test(arguments: cases)
    func routerObjects(_ c: Case) throws {
        let canary = PlannerFixtures.canary { canary in
            canary.spec.provider = c.provider
            c.configure(&canary)
        }
        let router = try #require(RouterFactory.router(for: c.provider))
        let objects = try router.desiredObjects(RouteContext(canary: canary, cookies: c.cookies), routes: c.routes).get()
        GoldenFile.check(objects, c.name)
        #expect(objects.contains(where: GoldenFile.hasSchema))
        GoldenFile.validate(objects)
        // Routes read back from the objects equal the routes rendered.
        if !c.name.contains("ab-testing") {
            let back = router.observedRoutes(RouteContext(canary: canary, cookies: c.cookies)) { kind, name in
                objects.first { Manifest(object: $0).kind == kind && Manifest(object: $0).name == name }
            }
            #expect(back == c.routes)
        }
    }

    @Test func delegationRejectsHosts() {
        let canary = PlannerFixtures.canary { c in
            c.spec.service.delegation = true
            c.spec.service.hosts = ["app.example.com"]
        }
        let r = RouterFactory.router(for: "istio")?.desiredObjects(RouteContext(canary: canary, cookies: SessionCookies()),
                                                                   routes: Routes(primary: 100, canary: 0))
        guard case .failure(let e)? = r else {
            Issue.record("expected a failure")
            return
        }
        #expect(e.message.contains("delegation"))
    }

    @Test func gatewayAPIRequiresGatewayRefs() {
        let canary = PlannerFixtures.canary()
        let r = RouterFactory.router(for: "gatewayapi:v1")?.desiredObjects(
            RouteContext(canary: canary, cookies: SessionCookies()), routes: Routes(primary: 100, canary: 0))
        guard case .failure(let e)? = r else {
            Issue.record("expected a failure")
            return
        }
        #expect(e.message.contains("gatewayRefs"))
    }

    @Test func providersOfOtherIssuesHaveNoRouterYet() {
        #expect(RouterFactory.router(for: "linkerd") == nil)
        #expect(RouterFactory.router(for: "nginx") == nil)
        #expect(RouterFactory.router(for: "kubernetes") != nil)
        #expect(RouterFactory.router(for: "gatewayapi") != nil)  // bare gatewayapi falls back to Istio, as Flagger
    }
}
