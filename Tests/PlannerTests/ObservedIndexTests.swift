import Foundation
@testable import Planner
import Resources
import Testing
import TestSupport

/// Lookups of observed objects by kind and name in the canary's namespace (`PlanInput.object`, `RouteContext.object`).
@Suite struct ObservedIndexTests {
    static func object(_ apiVersion: String, _ kind: String, _ namespace: String, _ name: String, marker: String = "") -> JSONValue {
        ["apiVersion": .string(apiVersion), "kind": .string(kind),
         "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["marker": .string(marker)]]]
    }

    static func input(_ objects: [JSONValue]) -> PlanInput {
        let canary = PlannerFixtures.canary()  // namespace "test"
        return PlanInput(canary: canary, objects: objects, now: PlannerFixtures.epoch,
                         revision: GitRevision(commit: PlannerFixtures.commitA), random: PlannerFixtures.random)
    }

    @Test func findsByKindAndNameInTheCanarysNamespaceOnly() throws {
        let ns = PlannerFixtures.canary().namespace
        var objects = [Self.object("apps/v1", "Deployment", "elsewhere", "podinfo", marker: "other-namespace")]
        for i in 0..<500 { objects.append(Self.object("v1", "ConfigMap", ns, "cm-\(i)")) }
        objects.append(Self.object("apps/v1", "Deployment", ns, "podinfo", marker: "mine"))
        let input = Self.input(objects)
        #expect(input.object(kind: "Deployment", name: "podinfo")?["metadata", "labels", "marker"] == "mine")
        #expect(input.object(kind: "ConfigMap", name: "cm-499") != nil)
        #expect(input.object(kind: "Service", name: "podinfo") == nil)
        #expect(input.object(kind: "Deployment", name: "cm-1") == nil)

        let route = RouteContext(canary: input.canary, cookies: SessionCookies(status: input.canary.status), settings: PlannerSettings(), input: input)
        #expect(route.object(kind: "Deployment", name: "podinfo")?["metadata", "labels", "marker"] == "mine")
    }

    @Test func replacingTheObservedObjectsRefreshesTheLookups() {
        let ns = PlannerFixtures.canary().namespace
        var input = Self.input([Self.object("v1", "Service", ns, "podinfo", marker: "old")])
        #expect(input.object(kind: "Service", name: "podinfo")?["metadata", "labels", "marker"] == "old")
        let fresh = Self.object("v1", "Service", ns, "podinfo-primary")
        input.observed = [Manifest(object: fresh).ref: fresh]
        #expect(input.object(kind: "Service", name: "podinfo") == nil)
        #expect(input.object(kind: "Service", name: "podinfo-primary") != nil)

        var route = RouteContext(canary: input.canary, cookies: SessionCookies(status: input.canary.status))
        #expect(route.object(kind: "Service", name: "podinfo-primary") == nil)
        route.observed = input.observed
        #expect(route.object(kind: "Service", name: "podinfo-primary") != nil)
    }

    @Test func versionPriorityIsKubernetes() {
        let ordered = ["foo", "v1alpha1", "v1alpha2", "v1beta1", "v2beta2", "v1", "v2", "v10"]
        for (i, low) in ordered.enumerated() {
            for high in ordered[(i + 1)...] {
                #expect(ObservedIndex.ranksHigher("g/" + high, than: "g/" + low), "\(high) > \(low)")
                #expect(!ObservedIndex.ranksHigher("g/" + low, than: "g/" + high), "\(low) < \(high)")
            }
        }
    }

    @Test func twoApiVersionsOfOneObjectResolveToTheHigherRankedOneWhateverTheOrder() {
        let ns = PlannerFixtures.canary().namespace
        let older = Self.object("autoscaling/v2beta2", "HorizontalPodAutoscaler", ns, "podinfo", marker: "v2beta2")
        let newer = Self.object("autoscaling/v2", "HorizontalPodAutoscaler", ns, "podinfo", marker: "v2")
        for objects in [[older, newer], [newer, older]] {
            let found = Self.input(objects).object(kind: "HorizontalPodAutoscaler", name: "podinfo")
            #expect(found?["metadata", "labels", "marker"] == "v2")
        }
    }
}
