import Testing

@testable import Resources

/// `JSONObject` keeps insertion order, and equality and hashing ignore it, below and above the size at which it
/// builds its key index.
@Suite struct JSONObjectTests {
    private func object(_ keys: [String]) -> JSONObject {
        var o = JSONObject()
        for (i, k) in keys.enumerated() { o[k] = .int(Int64(i)) }
        return o
    }

    @Test(arguments: [3, JSONObject.indexThreshold, JSONObject.indexThreshold + 1, 40])
    func orderLookupRemovalAndEquality(count: Int) {
        let keys = (0..<count).map { "k\($0)" }
        var o = object(keys)
        #expect(o.keys == keys)
        #expect(o.count == count)
        for (i, k) in keys.enumerated() { #expect(o[k] == .int(Int64(i))) }
        #expect(o["missing"] == nil)

        // Overwriting keeps the position; removing closes the gap; lookups stay right after a removal.
        o[keys[0]] = .string("first")
        #expect(o.keys.first == keys[0])
        o[keys[1]] = nil
        #expect(o.keys == [keys[0]] + keys.dropFirst(2))
        #expect(o[keys[1]] == nil)
        for (i, k) in keys.enumerated().dropFirst(2) { #expect(o[k] == .int(Int64(i))) }
        o[keys[1]] = .bool(true)
        #expect(o.keys.last == keys[1])
        #expect(o.map { $0.key } == o.keys)

        // Same fields in another order: equal, same hash.
        let forward = object(keys)
        var backward = JSONObject()
        for (i, k) in keys.enumerated().reversed() { backward[k] = .int(Int64(i)) }
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(Set([JSONValue.object(forward), .object(backward)]).count == 1)
        var different = backward
        different[keys[count - 1]] = .int(-1)
        #expect(forward != different)
        var fewer = backward
        fewer[keys[0]] = nil
        #expect(forward != fewer)
    }

    @Test func repeatedKeysInPairsKeepTheFirstPositionAndTheLastValue() {
        let o = JSONObject([("a", .int(1)), ("b", .int(2)), ("a", .int(3))])
        #expect(o.keys == ["a", "b"])
        #expect(o["a"] == .int(3))
    }

    /// Changes made in place (through `_modify`, `update` and `set(_:at:)`) keep value semantics: a copy taken before
    /// is never changed with it, at any depth, below and above the index threshold.
    @Test(arguments: [3, JSONObject.indexThreshold + 1])
    func inPlaceChangesLeaveCopiesAlone(count: Int) {
        var inner = JSONObject()
        for i in 0..<count { inner["k\(i)"] = .int(Int64(i)) }
        var value: JSONValue = .object(JSONObject([("metadata", .object(inner)), ("spec", ["replicas": 3])]))
        let before = value
        value["metadata"]?["k0"] = "changed"
        value["metadata"]?["k1"] = nil
        value.set(.int(5), at: ["spec", "replicas"])
        value.set("deep", at: ["spec", "template", "metadata", "name"])
        #expect(before["metadata", "k0"] == .int(0))
        #expect(before["metadata", "k1"] == .int(1))
        #expect(before["spec"] == ["replicas": 3])
        #expect(value["metadata", "k0"] == "changed")
        #expect(value["metadata", "k1"] == nil)
        #expect(value["metadata"]?.objectValue?.keys == ["k0"] + (2..<count).map { "k\($0)" })
        #expect(value["spec", "replicas"] == .int(5))
        #expect(value["spec", "template", "metadata", "name"] == "deep")
        // Removing keeps the order of the rest; a key removed through `_modify` is gone from the index too.
        value["metadata"]?["k\(count - 1)"] = nil
        #expect(value["metadata"]?.objectValue?["k\(count - 1)"] == nil)
        #expect(value["metadata"]?.objectValue?.count == count - 2)
        // A key added through `_modify` is appended.
        value["metadata"]?["added"] = true
        #expect(value["metadata"]?.objectValue?.keys.last == "added")
    }

    /// `set(_:at:)` behaves as it always has (the applied-hash of every object depends on it): removing a missing
    /// path creates its intermediate objects, and nothing is set through a value that is not an object.
    @Test func setAtPathKeepsItsRules() {
        var value: JSONValue = ["metadata": ["name": "a"], "spec": "text"]
        value.set(nil, at: ["metadata", "annotations", "x"])
        #expect(value["metadata", "annotations"] == .object(JSONObject()))
        value.set("y", at: ["spec", "field"])
        #expect(value["spec"] == "text")
        var null: JSONValue = .null
        null.set(1, at: ["a", "b"])
        #expect(null == ["a": ["b": 1]])
        var o = JSONObject()
        o.update("list", inserting: .array([])) { if case .array(var a) = $0 { a.append(1); $0 = .array(a) } }
        o.update("list", inserting: .array([])) { if case .array(var a) = $0 { a.append(2); $0 = .array(a) } }
        #expect(o["list"] == [1, 2])
    }
}
