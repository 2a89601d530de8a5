import Analysis
import Resources
import Testing

@Suite("Query templates")
struct QueryTemplateTests {
    let model = MetricTemplateModel(
        name: "podinfo", namespace: "test", target: "podinfo-target", service: "podinfo-svc", ingress: "podinfo-ing",
        route: "podinfo-route", interval: "2m", variables: ["region": "eu-west-1"])

    @Test("every supported value renders, with and without spaces and trim markers")
    func rendersEverything() throws {
        let text = "{{ name }} {{namespace}} {{ target }} {{ service }} {{ ingress }} {{ route }} {{ interval }} {{ variables.region }}"
        #expect(
            try QueryTemplate.render(text, model: model)
                == "podinfo test podinfo-target podinfo-svc podinfo-ing podinfo-route 2m eu-west-1")
        #expect(try QueryTemplate.render("a  {{- name -}}  b", model: model) == "apodinfob")
    }

    @Test("unknown functions, fields, pipelines and variables are rejected by name")
    func rejectsUnknown() {
        #expect(throws: QueryTemplateError.self) { try QueryTemplate.render("{{ cluster }}", model: model) }
        do {
            _ = try QueryTemplate.render("x{{ variables.zone }}", model: model)
            Issue.record("expected an error")
        } catch {
            #expect(error.expression == "{{ variables.zone }}")
            #expect(error.reason.contains(#"map has no entry for key "zone""#))
            #expect(error.reason.contains("templateVariables has: region"))
        }
        do {
            _ = try QueryTemplate.render("{{ .Name }}", model: model)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("unsupported template expression"))
            #expect(error.description.contains("supported: name, namespace, target, service, ingress, route, interval, variables.<key>"))
        }
        #expect(throws: QueryTemplateError.self) { try QueryTemplate.render(#"{{ printf "%s" name }}"#, model: model) }
        #expect(throws: QueryTemplateError.self) { try QueryTemplate.render("sum({{ name ", model: model) }
    }

    @Test("white space is folded to single spaces and the ends trimmed")
    func foldsWhitespace() {
        #expect(QueryTemplate.foldWhitespace("\n\tsum(\n\t\trate(x[1m])\n\t)  * 100 \n") == "sum( rate(x[1m]) ) * 100")
    }

    @Test("the model follows Flagger's defaults: service, ingress and route fall back to the target")
    func modelDefaults() {
        var canary = Fixture.canary(target: "backend")
        var m = MetricTemplateModel(canary: canary, interval: "1m", variables: nil)
        #expect([m.name, m.namespace, m.target, m.service, m.ingress, m.route] == ["podinfo", "test", "backend", "backend", "backend", "backend"])
        canary.spec.service.name = "apex"
        canary.spec.ingressRef = LocalObjectReference(name: "ing")
        canary.spec.routeRef = LocalObjectReference(name: "rt")
        m = MetricTemplateModel(canary: canary, interval: "1m", variables: nil)
        #expect([m.service, m.ingress, m.route] == ["apex", "ing", "rt"])
    }

    @Test("every metric's interval defaults to 1m")
    func intervalDefault() {
        #expect(Fixture.metric("custom", query: "x").effectiveInterval == "1m")
        #expect(Fixture.metric("custom", query: "x", interval: "30s").effectiveInterval == "30s")
    }
}
