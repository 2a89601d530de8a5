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

    @Test func boundsDepth() {
        let deep = String(repeating: "[", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }
}
