import Testing
@testable import Resources

@Suite struct JSONParserTests {
    @Test func roundTripsNumbersAndOrder() throws {
        let text = #"{"b":1,"a":[1.5,-2,"x\n\u00e9",true,null],"c":{"d":{}}}"#
        let v = try JSONParser.parse(text)
        #expect(v["b"] == .int(1))
        #expect(v["a"]?.arrayValue?[0] == .double(1.5))
        #expect(JSONWriter.string(v) == #"{"b":1,"a":[1.5,-2,"x\n\#u{e9}",true,null],"c":{"d":{}}}"#)
        #expect(JSONWriter.string(v, options: .canonical).hasPrefix(#"{"a":"#))
    }

    @Test func reportsPositionOfErrors() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{\n  \"a\": tru }") }
        do {
            _ = try JSONParser.parse("{\n  \"a\": tru }")
        } catch {
            #expect(error.line == 2)
        }
    }

    /// Long keys are shared within a document; they must still read exactly, escaped or not, repeated or not.
    @Test func repeatedLongKeysReadExactly() throws {
        let item = #"{"terminationMessagePath":"/dev/x","terminationMessagePatH":2,"caf\u00e9-terminationMessage":3,"k":4}"#
        let text = "[" + Array(repeating: item, count: 3).joined(separator: ",") + "]"
        let items = try #require(try JSONParser.parse(text).arrayValue)
        #expect(items.count == 3)
        for i in items {
            #expect(i["terminationMessagePath"] == .string("/dev/x"))
            #expect(i["terminationMessagePatH"] == .int(2))
            #expect(i["café-terminationMessage"] == .int(3))
            #expect(i.objectValue?.keys == ["terminationMessagePath", "terminationMessagePatH", "café-terminationMessage", "k"])
        }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"unterminated-long-key-0123456789"#) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{\"control-character-\u{01}-in-a-long-key\":1}") }
    }

    @Test func boundsDepth() {
        let deep = String(repeating: "[", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    /// `droppingManagedFields`: the same value as parsing everything and removing `metadata.managedFields`, whatever
    /// the skipped text holds (brackets and quotes inside strings, escapes, nesting); broken skipped text is still an
    /// error, never a crash or a silently shifted parse.
    @Test func dropsManagedFieldsExactly() throws {
        let managed = #"[{"manager":"a\"]}","fieldsV1":{"f:spec":{"f:x":{},".":{}}},"n":[1,-2.5e3,true,null,"}{"]},{}]"#
        let text = #"{"kind":"List","items":[{"metadata":{"name":"a","managedFields":"# + managed
            + #","labels":{"managedFields":"kept"}},"spec":{"managedFields":1}},{"metadata":{"managedFields":[]}}],"# +
            #""metadata":{"managedFields":7,"resourceVersion":"9"}}"#
        let full = try JSONParser.parse(text)
        let dropped = try JSONParser.parse(Array(text.utf8), options: .init(droppingManagedFields: true))
        var expected = full
        expected.set(nil, at: ["metadata", "managedFields"])
        if case .array(var items)? = expected["items"] {
            for i in items.indices { items[i].set(nil, at: ["metadata", "managedFields"]) }
            expected["items"] = .array(items)
        }
        #expect(dropped == expected)
        #expect(dropped["items"]?.arrayValue?.first?["metadata", "labels", "managedFields"] == .string("kept"))
        #expect(dropped["items"]?.arrayValue?.first?["spec", "managedFields"] == .int(1))
        #expect(dropped["metadata", "resourceVersion"] == .string("9"))
        for broken in [#"{"metadata":{"managedFields":[{"a":"x}]}}"#, #"{"metadata":{"managedFields":[1}}"#,
                       #"{"metadata":{"managedFields":["#, #"{"metadata":{"managedFields":"\#u{1}"}}"#,
                       #"{"metadata":{"managedFields":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}}"] {
            #expect(throws: JSONSyntaxError.self, "\(broken.prefix(40))") {
                try JSONParser.parse(Array(broken.utf8), options: .init(droppingManagedFields: true))
            }
        }
    }

    /// Objects are built without key lookups when their keys are distinct; repeated keys (plain, escaped, or among
    /// more fields than the index threshold) still keep their first position and their last value.
    @Test func repeatedKeysKeepFirstPositionAndLastValue() throws {
        let plain = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(plain.objectValue?.keys == ["a", "b"])
        #expect(plain["a"] == .int(3))
        let escaped = try JSONParser.parse(#"{"a":1,"b":2,"\u0061":3}"#)
        #expect(escaped.objectValue?.keys == ["a", "b"])
        #expect(escaped["a"] == .int(3))
        let names = (0..<20).map { "key\($0)" }
        let wide = try JSONParser.parse("{" + names.map { "\"\($0)\":1" }.joined(separator: ",") + ",\"key7\":2}")
        #expect(wide.objectValue?.keys == names)
        #expect(wide["key7"] == .int(2))
        #expect(wide["key19"] == .int(1))
        let distinct = try JSONParser.parse("{" + names.map { "\"\($0)\":\"\($0)\"" }.joined(separator: ",") + "}")
        for n in names { #expect(distinct[n] == .string(n)) }
        #expect(distinct["missing"] == nil)
    }
}
