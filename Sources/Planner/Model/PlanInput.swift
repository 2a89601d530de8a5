import Foundation
import Resources

/// Everything the Planner needs to plan one step of one Canary. A value: the Planner reads nothing else.
public struct PlanInput: Sendable {
    /// The Canary as observed in the cluster (spec synced from Git, status and resourceVersion as read).
    public var canary: Canary
    /// The objects the canary depends on, as observed (target, primary, services, autoscalers, configs, routes).
    public var observed: [ObjectRef: JSONValue] { didSet { index = ObservedIndex(observed) } }
    /// ``observed`` by kind, namespace and name.
    private(set) var index: ObservedIndex
    /// The analysis clock of this run.
    public var now: Date
    /// The Git revision of this run.
    public var revision: GitRevision
    /// Controller settings with Flagger's defaults.
    public var settings: PlannerSettings
    /// Pre-drawn random strings (flagger-id, cookies), so planning is deterministic.
    public var random: RandomValues
    /// The replica count Git declares for the target (architecture rule 6: it becomes the primary's), when the
    /// target in Git declares one; `nil` falls back to the live target's count.
    public var targetReplicasFromGit: Int?

    /// Creates an input.
    public init(canary: Canary, observed: [ObjectRef: JSONValue], now: Date, revision: GitRevision,
                settings: PlannerSettings = PlannerSettings(), random: RandomValues) {
        self.canary = canary
        self.observed = observed
        self.index = ObservedIndex(observed)
        self.now = now
        self.revision = revision
        self.settings = settings
        self.random = random
    }

    /// Creates an input whose `observed` objects were already indexed (`index` must be `ObservedIndex(observed)`):
    /// the canaries of one namespace share the objects of that namespace and one index of them.
    public init(canary: Canary, observed: [ObjectRef: JSONValue], index: ObservedIndex, now: Date, revision: GitRevision,
                settings: PlannerSettings = PlannerSettings(), random: RandomValues) {
        self.canary = canary
        self.observed = observed
        self.index = index
        self.now = now
        self.revision = revision
        self.settings = settings
        self.random = random
    }

    /// Creates an input from a list of observed objects.
    public init(canary: Canary, objects: [JSONValue], now: Date, revision: GitRevision,
                settings: PlannerSettings = PlannerSettings(), random: RandomValues) {
        var map: [ObjectRef: JSONValue] = [:]
        for o in objects { map[Manifest(object: o).ref] = o }
        self.init(canary: canary, observed: map, now: now, revision: revision, settings: settings, random: random)
    }

    /// The observed object of a kind and name in the canary's namespace, whatever its apiVersion.
    public func object(kind: String, name: String) -> JSONValue? {
        index.object(kind: kind, namespace: canary.namespace, name: name)
    }
}

/// The Git commit (and ref) a run works from.
public struct GitRevision: Sendable, Hashable, Codable {
    /// Full commit SHA.
    public var commit: String
    /// The ref as given (branch, tag or commit).
    public var ref: String?
    /// Creates a revision.
    public init(commit: String, ref: String? = nil) {
        self.commit = commit
        self.ref = ref
    }
    /// The first 7 characters of the commit, for messages.
    public var short: String { String(commit.prefix(7)) }
}

/// Random strings drawn by the caller, so that the Planner stays deterministic.
public struct RandomValues: Sendable, Hashable, Codable {
    /// The `flagger-id` annotation value of a freshly written primary pod template (a UUID).
    public var flaggerID: String
    /// Ten random letters for the canary session-affinity cookie.
    public var canaryCookie: String
    /// Ten random letters for the primary session-affinity cookie.
    public var primaryCookie: String
    /// Creates values.
    public init(flaggerID: String, canaryCookie: String, primaryCookie: String) {
        self.flaggerID = flaggerID
        self.canaryCookie = canaryCookie
        self.primaryCookie = primaryCookie
    }
}
