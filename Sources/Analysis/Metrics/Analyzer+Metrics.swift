import Foundation
import KubeAPI
import Resources

extension Analyzer {
    /// Evaluates one metric of a canary at `now` (§4): renders its query, runs it on the right provider, applies
    /// the bounds and `onNoData`, and returns the check with the rendered query, the value and the verdict.
    ///
    /// A metric with a `templateRef` is evaluated through its MetricTemplate, else one with a `query` through the
    /// metrics server, else a builtin name through the observer of the canary's provider. (Flagger may evaluate a
    /// metric twice when it has several of these; GitCanary evaluates the most specific one, a documented
    /// difference.)
    public func evaluate(metric: CanaryMetric, of canary: Canary, at now: Date) async -> CheckRecord {
        var record: CheckRecord
        if metric.templateRef != nil {
            record = await evaluateTemplate(metric, canary: canary, now: now)
        } else if let q = metric.query, !q.isEmpty {
            record = await evaluateInline(metric, query: q, canary: canary, now: now)
        } else if CanaryMetric.builtinNames.contains(metric.name) {
            record = await evaluateBuiltin(metric, canary: canary, now: now)
        } else {
            record = CheckRecord(
                kind: .metric, name: metric.name, verdict: .fail,
                message: "Metric query failed for no usable metrics template and query were configured")
        }
        record.time = now
        record.min = record.min ?? metric.bounds.min
        record.max = record.max ?? metric.bounds.max
        logger.log(
            level: record.verdict == .pass ? .debug : .info, "metric check \(metric.name): \(record.verdict.rawValue)",
            metadata: logMetadata(canary).merging(
                ["message": "\(record.message)", "query": "\(record.query ?? "")"], uniquingKeysWith: { a, _ in a }))
        return record
    }

    /// Knative canaries query by the latest created revision; others by `routeRef` or the target.
    func route(for canary: Canary) -> (String?, String?) {
        let knative = canary.spec.provider == "knative" || configuration.meshProvider == "knative"
        guard knative else { return (nil, nil) }
        if let r = objects.knativeLatestRevision(namespace: canary.namespace, name: canary.targetName) {
            return (r, nil)
        }
        return (nil, "Error fetching Knative service \(canary.namespace)/\(canary.targetName): latest created revision unknown")
    }

    func evaluateBuiltin(_ metric: CanaryMetric, canary: Canary, now: Date) async -> CheckRecord {
        let metricsProvider = Observer.metricsProvider(meshProvider: configuration.meshProvider, canary: canary)
        let observer = Observer.forProvider(metricsProvider)
        let isRate = metric.name == "request-success-rate"
        var record = CheckRecord(kind: .metric, name: metric.name, verdict: .fail, message: "")
        let (route, routeError) = route(for: canary)
        if let routeError {
            record.message = routeError
            return record
        }
        let model = MetricTemplateModel(
            canary: canary, interval: metric.effectiveInterval, variables: metric.templateVariables, route: route)
        let query: String
        do {
            query = try isRate ? observer.successRateQuery(model) : observer.durationQuery(model)
        } catch {
            record.message = "Prometheus query failed: rendering query failed: \(error)"
            return record
        }
        record.query = QueryTemplate.foldWhitespace(query)
        let provider: PrometheusProvider
        do { provider = try builtinProvider(for: canary) } catch {
            record.message = "\(error)"
            return record
        }
        let result: MetricQueryResult
        do {
            result = try await provider.runQuery(query, at: now, deadline: deadline)
        } catch {
            let noData =
                "no values found for \(metricsProvider) metric \(metric.name) probably \(canary.targetName).\(canary.namespace) is not receiving traffic"
                + (isRate ? ": \(error)" : "")
            return failure(error, record: record, metric: metric, noData: noData, other: "Prometheus query failed: running query failed: \(error)")
        }
        record.query = result.sentQuery
        if isRate {
            record.value = result.value
            let outcome = ThresholdCheck.successRate(result.value, metric: metric, canary: canary)
            return finish(record, outcome: outcome, note: result.note)
        }
        let ms = Int64((result.value * observer.durationScaleToMilliseconds).rounded(.towardZero))
        record.value = Double(ms)
        let outcome = ThresholdCheck.duration(milliseconds: ms, metric: metric, canary: canary)
        return finish(record, outcome: outcome, note: result.note)
    }

    func evaluateInline(_ metric: CanaryMetric, query template: String, canary: Canary, now: Date) async -> CheckRecord {
        var record = CheckRecord(kind: .metric, name: metric.name, verdict: .fail, message: "")
        let (route, routeError) = route(for: canary)
        if let routeError {
            record.message = routeError
            return record
        }
        let model = MetricTemplateModel(
            canary: canary, interval: metric.effectiveInterval, variables: metric.templateVariables, route: route)
        let query: String
        do {
            query = try QueryTemplate.render(template, model: model)
        } catch {
            record.message = "Prometheus query failed for \(metric.name): rendering query failed: \(error)"
            return record
        }
        record.query = QueryTemplate.foldWhitespace(query)
        let provider: PrometheusProvider
        do { provider = try builtinProvider(for: canary) } catch {
            record.message = "\(error)"
            return record
        }
        let result: MetricQueryResult
        do {
            result = try await provider.runQuery(query, at: now, deadline: deadline)
        } catch {
            return failure(
                error, record: record, metric: metric, noData: "no values found for metric: \(metric.name)",
                other: "Prometheus query failed for \(metric.name): \(error)")
        }
        record.query = result.sentQuery
        record.value = result.value
        return finish(record, outcome: ThresholdCheck.custom(result.value, metric: metric, canary: canary), note: result.note)
    }

    func evaluateTemplate(_ metric: CanaryMetric, canary: Canary, now: Date) async -> CheckRecord {
        var record = CheckRecord(kind: .metric, name: metric.name, verdict: .fail, message: "")
        guard let ref = metric.templateRef else { return record }
        let resolved: ResolvedMetricTemplate
        switch resolveTemplate(ref, metric: metric, canary: canary) {
        case .success(let r): resolved = r
        case .failure(let e):
            record.message = "Metric template \(e.detail)"
            return record
        }
        let (template, ns, provider, redactor) = (resolved.template, resolved.namespace, resolved.provider, resolved.redactor)
        let (route, routeError) = route(for: canary)
        if let routeError {
            record.message = routeError
            return record
        }
        let model = MetricTemplateModel(
            canary: canary, interval: metric.effectiveInterval, variables: metric.templateVariables, route: route)
        let query: String
        do {
            query = try QueryTemplate.render(template.spec.query, model: model)
        } catch {
            record.message = "Metric template \(ref.name).\(ns) query render error: \(error)"
            return record
        }
        record.query = QueryTemplate.foldWhitespace(query)
        let result: MetricQueryResult
        do {
            result = try await provider.runQuery(query, at: now, deadline: deadline)
        } catch {
            var r = failure(
                error, record: record, metric: metric, noData: "no values found for custom metric: \(metric.name): \(error)",
                other: "Metric query failed for \(metric.name): \(error)")
            r.message = redactor.redact(r.message)
            return r
        }
        record.query = result.sentQuery
        record.value = result.value
        var r = finish(record, outcome: ThresholdCheck.custom(result.value, metric: metric, canary: canary), note: result.note)
        r.message = redactor.redact(r.message)
        return r
    }

    /// A query error as a check: the run's budget → hold; no values → the metric's `onNoData`; else a failure.
    func failure(
        _ error: MetricQueryError, record: CheckRecord, metric: CanaryMetric, noData: String, other: String
    ) -> CheckRecord {
        var r = record
        if error.isBudget {
            r.verdict = .hold
            r.message = Analyzer.budgetMessage("metric \(metric.name)")
            return r
        }
        guard error.isNoValues else {
            r.verdict = .fail
            r.message = other
            return r
        }
        switch NoDataPolicy(metric.onNoData) {
        case .fail:
            r.verdict = .fail
            r.message = "Halt advancement " + noData
        case .pass:
            r.verdict = .pass
            r.message = "Passed (onNoData: pass): " + noData
        case .hold:
            r.verdict = .hold
            r.message = "Holding (onNoData: hold), the next run asks again: " + noData
        }
        return r
    }

    func finish(_ record: CheckRecord, outcome: ThresholdCheck.Outcome, note: String?) -> CheckRecord {
        var r = record
        r.verdict = outcome.passed ? .pass : .fail
        r.message = outcome.message + (note.map { " (\($0))" } ?? "")
        return r
    }
}
