import Foundation
import Planner
import Resources

/// Fingerprints of everything an idle canary's plan depends on, for ``PlanMemo``: the run's constants (memo salt, API
/// server, planner settings), the observed objects of the canary's namespace, the Canary itself and the replicas Git
/// declares for its target. Not the Git revision or the clock: an idle plan does not depend on them
/// (Tests/PlannerTests/IdlePlanTests.swift), so a commit that changes nothing a canary reads does not plan it again.
struct PlanFingerprint: Sendable {
    /// The run's constants, hashed once.
    private let base: SHA256

    init(salt: String, server: String, settings: PlannerSettings) {
        var h = SHA256()
        // `String(reflecting:)` spells every stored property, so a setting added later is covered without a change here.
        for part in [PlanMemo.format, salt, server, String(reflecting: settings)] {
            h.update(Array(part.utf8))
            h.update([0])
        }
        base = h
    }

    /// Kinds whose status no plan reads (the Planner reads their spec and metadata only) and whose controllers rewrite
    /// it every few seconds: an HPA's current metrics, a KEDA ScaledObject's conditions. They are identified by their
    /// content without `status` rather than by resourceVersion, or every status update would plan their namespace's
    /// canaries again.
    static let statusBlindKinds: Set<String> = ["HorizontalPodAutoscaler", "ScaledObject"]

    /// The digest of a namespace's observed objects: of the apiVersion, kind, name, uid and resourceVersion of each
    /// (for ``statusBlindKinds``, a digest of the object without status instead), whatever their order. `nil` when
    /// an object has no resourceVersion (its changes could not be seen). Each object's identity is hashed on its own
    /// (``ContentHash``) and the hashes summed, so the objects are not sorted: sorting the identities as text took
    /// n log n string comparisons, 6 % of a no-op at 5,000 canaries.
    static func namespace(_ objects: [(ClusterSnapshot.ObjectKey, JSONValue)]) -> [UInt8]? {
        var combined = ContentHash.Sum()
        for (key, object) in objects {
            let metadata = object["metadata"]
            guard let rv = metadata?["resourceVersion"]?.stringValue, !rv.isEmpty else { return nil }
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            let uid = metadata?["uid"]?.stringValue ?? ""
            let version = statusBlindKinds.contains(key.kind) ? withoutStatus(object) : rv
            combined.add([key.kind, key.name, apiVersion, uid, version])
        }
        return combined.bytes
    }

    /// `content:` and a 128-bit digest of the object without `status`, `metadata.resourceVersion` and
    /// `managedFields`. Not SHA-256 of canonical JSON: that cost 20 µs per autoscaler, a tenth of a no-op run at
    /// 1,000 canaries with an HPA each (a primary and a canary HPA per canary).
    static func withoutStatus(_ object: JSONValue) -> String {
        let (a, b) = ContentHash.of(object, skipping: ["status"], inMetadata: ["resourceVersion", "managedFields"])
        return "content:" + String(a, radix: 16) + "." + String(b, radix: 16)
    }

    /// The fingerprint of one canary, or `nil` when the Canary has no resourceVersion.
    func canary(_ json: JSONValue, namespace: [UInt8], gitReplicas: Int?) -> String? {
        let metadata = json["metadata"]
        guard let rv = metadata?["resourceVersion"]?.stringValue, !rv.isEmpty else { return nil }
        var h = base
        h.update(namespace)
        let uid = metadata?["uid"]?.stringValue ?? ""
        let ns = metadata?["namespace"]?.stringValue ?? ""
        let name = metadata?["name"]?.stringValue ?? ""
        h.update(Array("\(ns)\u{0}\(name)\u{0}\(uid)\u{0}\(rv)\u{0}\(gitReplicas.map(String.init) ?? "-")".utf8))
        return Hex.encode(h.finalize())
    }
}

/// A stable 128-bit hash of a JSON value (two multiply-xorshift lanes over 64-bit words, objects combined
/// independently of their key order): the same value hashes the same in every process, unlike `Hasher`. For change
/// detection by a trusted reader, not against an adversary.
enum ContentHash {
    private struct Lanes {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        mutating func add(_ word: UInt64) {
            a = (a ^ word) &* 0x0000_0100_0000_01b3
            a ^= a >> 32
            b = (b ^ word) &* 0x9e37_79b9_7f4a_7c15
            b ^= b >> 29
        }
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            add(UInt64(bytes.count))
            let raw = UnsafeRawBufferPointer(bytes)
            var i = 0
            while i + 8 <= raw.count {
                add(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            if i < raw.count {
                var tail: UInt64 = 0
                for j in i..<raw.count { tail |= UInt64(raw[j]) << UInt64(8 * (j - i)) }
                add(tail)
            }
        }
        mutating func add(_ string: String) {
            var s = string
            s.withUTF8 { add($0) }
        }
    }

    /// An order-independent hash of a multiset of string tuples (each tuple hashed on its own, spread, summed).
    struct Sum {
        private var a: UInt64 = 0
        private var b: UInt64 = 0
        private var count: UInt64 = 0

        /// Adds one tuple.
        mutating func add(_ strings: [String]) {
            var lanes = Lanes()
            lanes.add(UInt64(strings.count))
            for string in strings { lanes.add(string) }
            a = a &+ mix(lanes.a)
            b = b &+ mix(lanes.b ^ 0x5851_f42d_4c95_7f2d)
            count += 1
        }

        /// The sums and the count, as 24 bytes.
        var bytes: [UInt8] {
            [a, b, count].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64(8 * $0)) } }
        }
    }

    /// splitmix64's finaliser: spreads each field's hash before the fields are summed.
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The hash of `value`.
    static func of(_ value: JSONValue) -> (UInt64, UInt64) {
        var lanes = Lanes()
        add(value, to: &lanes)
        return (lanes.a, lanes.b)
    }

    /// The hash of an object without the top-level fields `skipping` and the `metadata` fields `inMetadata`: the same
    /// as the hash of the object with them removed, without copying it.
    static func of(_ value: JSONValue, skipping: Set<String>, inMetadata: Set<String>) -> (UInt64, UInt64) {
        guard case .object(let fields) = value else { return of(value) }
        var lanes = Lanes()
        addObject(fields, to: &lanes) { key, field, f in
            if skipping.contains(key) { return false }
            if key == "metadata", case .object(let metadata) = field {
                addObject(metadata, to: &f) { k, v, m in
                    guard !inMetadata.contains(k) else { return false }
                    add(v, to: &m)
                    return true
                }
                return true
            }
            add(field, to: &f)
            return true
        }
        return (lanes.a, lanes.b)
    }

    private static func add(_ value: JSONValue, to lanes: inout Lanes) {
        switch value {
        case .null: lanes.add(0)
        case .bool(let v): lanes.add(v ? 2 : 1)
        case .int(let v):
            lanes.add(3)
            lanes.add(UInt64(bitPattern: v))
        case .double(let v):
            lanes.add(4)
            lanes.add(v.bitPattern)
        case .string(let v):
            lanes.add(5)
            lanes.add(v)
        case .array(let items):
            lanes.add(6)
            lanes.add(UInt64(items.count))
            for item in items { add(item, to: &lanes) }
        case .object(let fields):
            addObject(fields, to: &lanes) { _, field, f in
                add(field, to: &f)
                return true
            }
        }
    }

    /// Each field hashed on its own (key, then what `value` adds; `false`: the field is left out), spread, and
    /// summed: the order of the keys does not count.
    private static func addObject(
        _ fields: JSONObject, to lanes: inout Lanes, value: (String, JSONValue, inout Lanes) -> Bool
    ) {
        var sumA: UInt64 = 0
        var sumB: UInt64 = 0
        var count: UInt64 = 0
        for (key, field) in fields {
            var f = Lanes()
            f.add(key)
            guard value(key, field, &f) else { continue }
            sumA = sumA &+ mix(f.a)
            sumB = sumB &+ mix(f.b ^ 0x5851_f42d_4c95_7f2d)
            count += 1
        }
        lanes.add(7)
        lanes.add(count)
        lanes.add(sumA)
        lanes.add(sumB)
    }
}
