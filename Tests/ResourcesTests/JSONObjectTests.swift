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
}
