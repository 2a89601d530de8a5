/// A Canary's `status.phase`, with Flagger's names.
public enum CanaryPhase: String, Sendable, Hashable, Codable, CaseIterable {
    case none = ""
    case initializing = "Initializing"
    case initialized = "Initialized"
    case waiting = "Waiting"
    case progressing = "Progressing"
    case waitingPromotion = "WaitingPromotion"
    case promoting = "Promoting"
    case finalising = "Finalising"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case terminating = "Terminating"
    case terminated = "Terminated"

    /// Decodes an unknown phase as `none` (the object is then re-initialised as Flagger would treat it).
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = CanaryPhase(rawValue: raw) ?? .none
    }
}
