/// The version printed by `gitcanary --version`.
enum GitCanaryVersion {
    static let string = "0.1.0"
}
