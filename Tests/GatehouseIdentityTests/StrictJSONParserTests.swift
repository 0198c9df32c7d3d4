import Foundation
import Testing

@testable import GatehouseIdentity

/// The parser for headers and claims sets: RFC 8259, strictly.
@Suite struct StrictJSONParserTests {
    func parse(_ text: String) throws(StrictJSONError) -> [String: JSONValue] {
        try JSONValue.object(from: Array(text.utf8))
    }

    @Test func parsesEveryKindOfValue() throws {
        let members = try parse(#" { "s" : "a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00" , "n" : -1.5e2 , "i" : 1800000000 , "z" : 0 , "t" : true , "f" : false , "x" : null , "a" : [ ] , "o" : { "k" : [ 1 , "2" ] } } "#)
        #expect(members["s"] == .string("a\"\\/\u{08}\u{0C}\n\r\té😀"))
        #expect(members["n"] == .number(-150))
        #expect(members["i"] == .number(1_800_000_000))
        #expect(members["z"] == .number(0))
        #expect(members["t"] == .bool(true))
        #expect(members["f"] == .bool(false))
        #expect(members["x"] == .null)
        #expect(members["a"] == .array([]))
        #expect(members["o"] == .object(["k": .array([.number(1), .string("2")])]))
        #expect(try parse("{}") == [:])
        #expect(try parse(#"{"raw":"é😀"}"#)["raw"] == .string("é😀"))
    }

    @Test(arguments: [
        "", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1}x", "{\"a\":1}{}",
        "{a:1}", "{'a':1}", "{\"a\":[1,]}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":-}",
        "{\"a\":1e400}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":True}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\uD800\"}", "{\"a\":\"\\uDC00\"}", "{\"a\":\"\\uD800\\u0041\"}",
        "{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}", "{\"a\":1}\u{0}", "\u{FEFF}{}", "{\"a\":1 // comment\n}",
        "{\"a\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
    ])
    func refusesWhatIsNotStrictJSON(text: String) {
        #expect(throws: StrictJSONError.invalid) { try parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]] {
            let text = Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8)
            #expect(throws: StrictJSONError.invalid) { try JSONValue.object(from: text) }
        }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = StrictJSONParser.maximumDepth - 1
        let text = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(try parse(text)["a"] != nil)
    }

    @Test func refusesDuplicateNamesAtAnyDepth() {
        #expect(throws: StrictJSONError.duplicateMember("a")) { try parse(#"{"a":1,"a":1}"#) }
        #expect(throws: StrictJSONError.duplicateMember("a")) { try parse(#"{"a":1,"\u0061":2}"#) }
        #expect(throws: StrictJSONError.duplicateMember("b")) { try parse(#"{"a":[[{"b":1,"b":2}]]}"#) }
        #expect(throws: StrictJSONError.duplicateMember("")) { try parse(#"{"":1,"":2}"#) }
    }
}
