/// The labels and annotation the Git sync puts on every object it applies, and the selector that finds them.
public enum SyncLabels {
    /// `app.kubernetes.io/managed-by`.
    public static let managedBy = "app.kubernetes.io/managed-by"
    /// The value of `app.kubernetes.io/managed-by`: `gitcanary`.
    public static let managedByValue = "gitcanary"
    /// `gitcanary.dev/source`: the short, stable name of the Git source that declared the object.
    public static let source = "gitcanary.dev/source"
    /// `gitcanary.dev/applied-hash`: hash of the canonical stripped desired object, this annotation excluded.
    public static let appliedHash = "gitcanary.dev/applied-hash"
    /// `gitcanary.dev/inventory`: marks inventory ConfigMaps; its value is the source name.
    public static let inventory = "gitcanary.dev/inventory"

    /// The label selector of the objects a source applied: `app.kubernetes.io/managed-by=gitcanary,gitcanary.dev/source=<source>`.
    public static func selector(source: String) -> String {
        "\(managedBy)=\(managedByValue),\(SyncLabels.source)=\(source)"
    }

    /// The label selector of a source's inventory ConfigMaps (every shard's).
    public static func inventorySelector(source: String) -> String { "\(inventory)=\(source)" }

    /// Whether a live object carries the labels of `source`.
    public static func isApplied(by source: String, labels: [String: String]) -> Bool {
        labels[managedBy] == managedByValue && labels[SyncLabels.source] == source
    }
}
