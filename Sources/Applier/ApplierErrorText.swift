import KubeAPI
import Resources

/// Error text for change sets and logs. For Secrets only the reason, HTTP status and field names are kept: the
/// server's message could quote a value (architecture rule 7).
enum ApplierErrorText {
    static func describe(_ error: KubeAPIError, ref: ObjectRef) -> String {
        guard ref.kind == "Secret" && ref.group.isEmpty, error.code == .api else { return error.description }
        var s = "\(error.request): \(error.reason.isEmpty ? "error" : error.reason) (HTTP \(error.httpStatus))"
        if let causes = error.status?.causes, !causes.isEmpty {
            s += " in " + causes.map(\.field).filter { !$0.isEmpty }.joined(separator: ", ")
        }
        return s
    }
}
