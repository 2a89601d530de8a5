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
}
