import Foundation
import Resources

/// The cluster objects analysis needs besides the Canary: MetricTemplates, AlertProviders and Secrets.
///
/// The Reconciler supplies them from the state it observed for the run (one LIST per kind and namespace), so
/// evaluating a metric never costs an API request of its own. `nil` means "not found" (or not readable).
public protocol AnalysisObjects: Sendable {
    /// The MetricTemplate `namespace/name`.
    func metricTemplate(namespace: String, name: String) -> MetricTemplate?
    /// The AlertProvider `namespace/name`.
    func alertProvider(namespace: String, name: String) -> AlertProvider?
    /// The decoded `data` (and `stringData`) of the Secret `namespace/name`.
    func secretData(namespace: String, name: String) -> [String: Data]?
    /// The latest created revision of the Knative Service `namespace/name` (Knative canaries query by it).
    func knativeLatestRevision(namespace: String, name: String) -> String?
}

/// ``AnalysisObjects`` over a list of raw Kubernetes objects (MetricTemplate, AlertProvider, Secret, Knative
/// Service JSON).
///
/// Objects of other kinds are ignored; a template or provider that does not decode is treated as absent and
/// listed in ``decodingProblems``.
public struct ObjectListAnalysisObjects: AnalysisObjects {
    private var templates: [String: MetricTemplate] = [:]
    private var providers: [String: AlertProvider] = [:]
    private var secrets: [String: [String: Data]] = [:]
    private var knativeRevisions: [String: String] = [:]
    /// Objects that could not be decoded, as `Kind namespace/name: error`.
    public private(set) var decodingProblems: [String] = []

    /// Indexes the objects.
    public init(objects: [JSONValue]) {
        for object in objects {
            let kind = object["kind"]?.stringValue ?? ""
            let name = object["metadata", "name"]?.stringValue ?? ""
            let namespace = object["metadata", "namespace"]?.stringValue ?? ""
            let key = "\(namespace)/\(name)"
            switch kind {
            case "MetricTemplate":
                do { templates[key] = try MetricTemplate(json: object) } catch {
                    decodingProblems.append("MetricTemplate \(key): \(error)")
                }
            case "AlertProvider":
                do { providers[key] = try AlertProvider(json: object) } catch {
                    decodingProblems.append("AlertProvider \(key): \(error)")
                }
            case "Secret":
                secrets[key] = Self.decodeSecret(object)
            case "Service" where object["apiVersion"]?.stringValue?.hasPrefix("serving.knative.dev/") == true:
                if let r = object["status", "latestCreatedRevisionName"]?.stringValue { knativeRevisions[key] = r }
            default:
                continue
            }
        }
    }

    /// Secret `data` (Base64) and `stringData` (plain, wins as the API server merges it) as bytes.
    static func decodeSecret(_ object: JSONValue) -> [String: Data] {
        var out: [String: Data] = [:]
        if let data = object["data"]?.objectValue {
            for (k, v) in data {
                if let s = v.stringValue, let d = Data(base64Encoded: s) { out[k] = d }
            }
        }
        if let data = object["stringData"]?.objectValue {
            for (k, v) in data {
                if let s = v.stringValue { out[k] = Data(s.utf8) }
            }
        }
        return out
    }

    /// The MetricTemplate `namespace/name`, if listed.
    public func metricTemplate(namespace: String, name: String) -> MetricTemplate? { templates["\(namespace)/\(name)"] }
    /// The AlertProvider `namespace/name`, if listed.
    public func alertProvider(namespace: String, name: String) -> AlertProvider? { providers["\(namespace)/\(name)"] }
    /// The Secret `namespace/name` data, if listed.
    public func secretData(namespace: String, name: String) -> [String: Data]? { secrets["\(namespace)/\(name)"] }
    /// The latest created revision of the Knative Service `namespace/name`, if listed with a status.
    public func knativeLatestRevision(namespace: String, name: String) -> String? { knativeRevisions["\(namespace)/\(name)"] }
}

extension Dictionary where Key == String, Value == Data {
    /// The value of a key as UTF-8 text, trailing newlines removed (as `kubectl create secret --from-file` leaves them).
    func text(_ key: String) -> String? {
        guard let d = self[key] else { return nil }
        var s = String(decoding: d, as: UTF8.self)
        while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
        return s
    }
}

extension AnalysisObjects {
    /// The latest created revision of the Knative Service `namespace/name` (Knative canaries query by it);
    /// `nil` by default.
    public func knativeLatestRevision(namespace: String, name: String) -> String? { nil }
}
