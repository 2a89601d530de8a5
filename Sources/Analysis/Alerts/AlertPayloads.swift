import Foundation
import Resources

/// The JSON bodies Flagger's notifiers post (§8.2).
public enum AlertPayloads {
    /// The fields Flagger attaches: `Cluster` (when configured), then with metadata `Target`,
    /// `Failed checks threshold`, `Progress deadline` and `Traffic routing`.
    public static func fields(for canary: Canary, alert: Alert, clusterName: String?) -> [AlertField] {
        var fields: [AlertField] = []
        if let clusterName, !clusterName.isEmpty { fields.append(AlertField("Cluster", clusterName)) }
        guard alert.includeMetadata else { return fields }
        let kind = canary.spec.targetRef.kind ?? ""
        fields.append(AlertField("Target", "\(kind)/\(canary.targetName).\(canary.namespace)"))
        fields.append(AlertField("Failed checks threshold", "\(canary.effectiveThreshold)"))
        fields.append(AlertField("Progress deadline", "\(canary.progressDeadlineSeconds)s"))
        let analysis = canary.effectiveAnalysis
        switch canary.strategy {
        case .abTesting: fields.append(AlertField("Traffic routing", "A/B Testing"))
        case .blueGreen: fields.append(AlertField("Traffic routing", "Blue/Green"))
        case .canary:
            let maxWeight = analysis?.maxWeight ?? 0
            if let step = analysis?.stepWeight, step > 0 {
                fields.append(AlertField("Traffic routing", "Weight step: \(step) max: \(maxWeight)"))
            } else if let steps = analysis?.stepWeights, !steps.isEmpty {
                let ladder = steps.map(String.init).joined(separator: ",")
                fields.append(AlertField("Traffic routing", "Weight steps: \(ladder) max: \(maxWeight)"))
            }
        }
        return fields
    }

    /// The body for a notifier type, or `nil` for an unknown type.
    public static func payload(
        type: String, canary: Canary, message: String, fields: [AlertField], severity: AlertSeverity,
        username: String, channel: String
    ) -> JSONValue? {
        let who = "\(canary.name).\(canary.namespace)"
        switch type {
        case "slack", "discord":
            return slack(who: who, message: message, fields: fields, color: severity == .error ? "danger" : "good",
                username: username, channel: channel)
        case "rocket":
            return slack(who: who, message: message, fields: fields, color: severity == .error ? "#FF0000" : "#0076D7",
                username: username, channel: channel)
        case "msteams":
            let facts: [JSONValue] = fields.map { ["name": .string($0.name), "value": .string($0.value)] }
            return [
                "@type": "MessageCard", "@context": "http://schema.org/extensions",
                "themeColor": .string(severity == .error ? "FF0000" : "0076D7"), "summary": .string(who),
                "sections": [["activityTitle": .string(message), "activitySubtitle": .string(who), "facts": .array(facts)]],
            ]
        case "gchat":
            func paragraph(_ text: String) -> JSONValue { ["widgets": [["textParagraph": ["text": .string(text)]]]] }
            var sections: [JSONValue] = [paragraph("<font color=#848484><strong>" + message + "</strong></font>")]
            for f in fields {
                sections.append(paragraph(f.name + "<br><font color=#848484><strong>" + f.value + "</strong></font>"))
            }
            return [
                "cards": [
                    [
                        "header": [
                            "title": "Flagger", "subtitle": .string(who), "imageUrl": "https://flagger.app/favicon.png",
                        ],
                        "sections": .array(sections),
                    ]
                ]
            ]
        default:
            return nil
        }
    }

    static func slack(
        who: String, message: String, fields: [AlertField], color: String, username: String, channel: String
    ) -> JSONValue {
        let f: [JSONValue] = fields.map { ["title": .string($0.name), "value": .string($0.value), "short": false] }
        return [
            "channel": .string(channel), "username": .string(username), "icon_url": "", "icon_emoji": ":rocket:",
            "attachments": [
                [
                    "color": .string(color), "author_name": .string(who), "text": .string(message),
                    "mrkdwn_in": ["text"], "fields": .array(f),
                ]
            ],
        ]
    }

    /// The URL a notifier posts to: Discord's Slack-compatible endpoint gets `/slack` appended to the path.
    static func postURL(type: String, address: String) -> String {
        guard type == "discord", !address.hasSuffix("/slack"), var c = URLComponents(string: address) else {
            return address
        }
        var path = c.path
        while path.hasSuffix("/") { path.removeLast() }
        c.path = path + "/slack"
        return c.string ?? address
    }

    /// Whether a notifier type sends the secret's `token` as a Bearer token (only Slack does, as in Flagger).
    static func sendsToken(type: String) -> Bool { type == "slack" }
}
