import Resources

/// `metadata.managedFields`: which manager owns which fields, per operation (Apply or Update).
///
/// A simplified but faithful model of server-side apply: each entry owns a set of leaf paths (keyed-list items
/// by their key, other lists atomically). Updates move the fields they change to their manager; an apply by
/// one manager conflicts with fields another owns with a different value, and drops the fields it no longer sets.
enum ManagedFields {
    struct Entry {
        var manager: String
        var operation: String
        var apiVersion: String
        var time: String
        var subresource: String?
        var fields: Set<FieldPath>

        init(manager: String, operation: String, apiVersion: String, time: String, subresource: String?, fields: Set<FieldPath>) {
            self.manager = manager
            self.operation = operation
            self.apiVersion = apiVersion
            self.time = time
            self.subresource = subresource
            self.fields = fields
        }

        init?(_ v: JSONValue) {
            guard let manager = v["manager"]?.stringValue else { return nil }
            self.manager = manager
            operation = v["operation"]?.stringValue ?? "Update"
            apiVersion = v["apiVersion"]?.stringValue ?? ""
            time = v["time"]?.stringValue ?? ""
            subresource = v["subresource"]?.stringValue
            fields = FieldSets.decode(v["fieldsV1"])
        }

        func sameOwner(_ other: Entry) -> Bool {
            manager == other.manager && operation == other.operation && subresource == other.subresource
        }

        var json: JSONValue {
            var o = JSONObject()
            o["manager"] = .string(manager)
            o["operation"] = .string(operation)
            o["apiVersion"] = .string(apiVersion)
            o["time"] = .string(time)
            o["fieldsType"] = "FieldsV1"
            o["fieldsV1"] = FieldSets.encode(fields)
            if let subresource { o["subresource"] = .string(subresource) }
            return .object(o)
        }
    }

    static func entries(of obj: JSONValue?) -> [Entry] {
        (obj?["metadata", "managedFields"]?.arrayValue ?? []).compactMap(Entry.init)
    }

    /// The entries after a create, update or non-apply patch by `manager`.
    static func recordUpdate(
        old: JSONValue?, new: JSONValue, manager: String, apiVersion: String, time: String, subresource: String?,
        type t: ResourceType
    ) -> [JSONValue] {
        var entries = entries(of: old)
        let newFields = FieldSets.fields(of: new, type: t, subresource: subresource)
        var changed: Set<FieldPath>
        if let old {
            let oldFields = FieldSets.fields(of: old, type: t, subresource: subresource)
            changed = newFields.filter { FieldSets.value(at: $0, in: new) != FieldSets.value(at: $0, in: old) }
            changed.formUnion(oldFields.subtracting(newFields))
        } else {
            changed = newFields
        }
        let me = Entry(manager: manager, operation: "Update", apiVersion: apiVersion, time: time, subresource: subresource, fields: [])
        guard !changed.isEmpty else { return entries.map(\.json) }
        for i in entries.indices where !entries[i].sameOwner(me) && entries[i].subresource == subresource {
            entries[i].fields.subtract(changed)
        }
        let mine = changed.intersection(newFields)
        if let i = entries.firstIndex(where: { $0.sameOwner(me) }) {
            entries[i].fields.formUnion(mine)
            entries[i].fields = entries[i].fields.intersection(newFields)
            entries[i].time = time
            entries[i].apiVersion = apiVersion
        } else if !mine.isEmpty {
            var e = me
            e.fields = mine
            entries.append(e)
        }
        return entries.filter { !$0.fields.isEmpty }.map(\.json)
    }

    /// One field another manager owns with a different value.
    struct Conflict {
        var manager: String
        var apiVersion: String
        var path: FieldPath
    }

    /// Server-side apply of `config` by `manager` onto `current` (nil: the object is created).
    static func apply(
        config: JSONValue, current: JSONValue?, manager: String, force: Bool, apiVersion: String, time: String,
        type t: ResourceType, subresource: String?
    ) -> (object: JSONValue, entries: [JSONValue], conflicts: [Conflict]) {
        var entries = entries(of: current)
        let applySet = FieldSets.fields(of: config, type: t, subresource: subresource)
        let me = Entry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: time, subresource: subresource, fields: applySet)
        var conflicts: [Conflict] = []
        if let current {
            for i in entries.indices where entries[i].manager != manager && entries[i].subresource == subresource {
                for p in entries[i].fields.intersection(applySet) where !(p.last?.hasPrefix("k:") ?? false) {
                    if FieldSets.value(at: p, in: current) != FieldSets.value(at: p, in: config) {
                        conflicts.append(Conflict(manager: entries[i].manager, apiVersion: entries[i].apiVersion, path: p))
                        if force { entries[i].fields.remove(p) }
                    }
                }
            }
        }
        if !conflicts.isEmpty && !force { return (current ?? config, [], conflicts) }
        let previous = entries.first { $0.sameOwner(me) }?.fields ?? []
        let othersOwn = entries.filter { !$0.sameOwner(me) }.reduce(into: Set<FieldPath>()) { $0.formUnion($1.fields) }
        var merged = current ?? .object(JSONObject())
        let dropped = previous.subtracting(applySet).subtracting(othersOwn)
        // Whole items and maps first; never strip an item's key field on its own (the item would lose its identity).
        for p in dropped.sorted(by: { $0.count < $1.count }) where !isItemKeyField(p) {
            FieldSets.remove(p, from: &merged)
        }
        merged = overlay(merged, config, field: "", context: ListContext.of(t))
        entries.removeAll { $0.sameOwner(me) }
        entries.append(me)
        return (merged, entries.filter { !$0.fields.isEmpty }.map(\.json), [])
    }

    static func isItemKeyField(_ p: FieldPath) -> Bool {
        guard p.count >= 2, let last = p.last, last.hasPrefix("f:"), p[p.count - 2].hasPrefix("k:") else { return false }
        let field = String(last.dropFirst(2))
        return (try? JSONParser.parse(String(p[p.count - 2].dropFirst(2))))?[field] != nil
    }

    /// Merges an applied configuration into an object: maps recursively, keyed lists by key, the rest replaced.
    static func overlay(_ base: JSONValue, _ config: JSONValue, field: String, context: ListContext) -> JSONValue {
        switch (base, config) {
        case (.object(var b), .object(let c)):
            let isMetadataRoot = field == "" && c["apiVersion"] != nil
            for (k, v) in c {
                let childContext = isMetadataRoot && k == "metadata" ? ListContext.builtinKind : context.child(k)
                b[k] = b[k].map { overlay($0, v, field: k, context: childContext) } ?? v
            }
            return .object(b)
        case (.array(let b), .array(let c)):
            guard let keys = ListKeys.keys(field: field, items: c + b, context: context) else { return config }
            var out = b
            for item in c {
                if let i = out.firstIndex(where: { ListKeys.same($0, item, keys: keys) }) {
                    out[i] = overlay(out[i], item, field: "", context: context.items)
                } else {
                    out.append(item)
                }
            }
            return .array(out)
        default:
            return config
        }
    }
}
