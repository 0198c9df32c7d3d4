import Testing
@testable import GatehouseLedger

/// Every non-canonical spelling is refused, so one value has exactly one accepted byte form.
@Suite struct CanonicalJSONStrictDecodingTests {
    @discardableResult
    private func decode(_ text: String) throws -> CanonicalJSONValue {
        try CanonicalJSONValue(canonicalBytes: Array(text.utf8))
    }

    @Test(arguments: [
        (#"{ "a":1}"#, CanonicalJSONError.unexpectedByte(offset: 1)),
        (#"{"a": 1}"#, .unexpectedByte(offset: 5)),
        (#"{"a" :1}"#, .unexpectedByte(offset: 4)),
        ("{\"a\":1}\n", .trailingBytes(offset: 7)),
        (" {}", .unexpectedByte(offset: 0)),
        ("[1, 2]", .unexpectedByte(offset: 3)),
        ("[1\t]", .unexpectedByte(offset: 2)),
    ])
    func whitespaceIsRefused(text: String, error: CanonicalJSONError) {
        #expect(throws: error) { try decode(text) }
    }

    @Test func unsortedKeysAreRefused() throws {
        #expect(throws: CanonicalJSONError.keysOutOfOrder(offset: 7)) { try decode(#"{"b":1,"a":2}"#) }
        #expect(throws: CanonicalJSONError.keysOutOfOrder(offset: 8)) { try decode(#"{"aa":1,"a":2}"#) }
        #expect(throws: CanonicalJSONError.keysOutOfOrder(offset: 7)) { try decode(#"{"a":1,"B":2}"#) }
        // By UTF-16 code units, U+1F600 (D83D...) sorts before U+E000.
        #expect(throws: CanonicalJSONError.keysOutOfOrder(offset: 9)) { try decode("{\"\u{E000}\":1,\"\u{1F600}\":2}") }
        #expect(try decode("{\"\u{1F600}\":2,\"\u{E000}\":1}") == CanonicalJSONValue.object(["\u{1F600}": .integer(2), "\u{E000}": .integer(1)]))
    }

    @Test func duplicateKeysAreRefused() throws {
        #expect(throws: CanonicalJSONError.duplicateKey(offset: 7)) { try decode(#"{"a":1,"a":1}"#) }
        #expect(throws: CanonicalJSONError.duplicateKey(offset: 12)) { try decode(#"{"a":{"b":1,"b":2}}"#) }
    }

    @Test(arguments: [
        #""\u0041""#, #""\/""#, #""\u000a""#, #""\u0008""#, #""\u001F""#, #""\u00e9""#, #""\ud83d\ude00""#, #""\U0001""#,
        #""\x41""#, #""\u0020""#, #""\u007f""#,
    ])
    func nonCanonicalEscapesAreRefused(text: String) {
        #expect(throws: CanonicalJSONError.nonCanonicalEscape(offset: 1)) { try decode(text) }
    }

    @Test func rawControlCharactersAreRefusedButDELAndSeparatorsAreRaw() throws {
        #expect(throws: CanonicalJSONError.controlCharacterInString(offset: 2)) { try decode("\"a\nb\"") }
        #expect(throws: CanonicalJSONError.controlCharacterInString(offset: 1)) { try decode("\"\u{00}\"") }
        #expect(try decode("\"\u{7F}\u{2028}\"") == .string("\u{7F}\u{2028}"))
        #expect(try decode(#""\u001f\b\"\\""#) == .string("\u{1F}\u{08}\"\\"))
    }

    @Test(arguments: ["1.0", "1e3", "1E3", "-0.5", "0.1", "1.5e-3", "0e0"])
    func fractionsAndExponentsAreRefused(text: String) {
        #expect(throws: CanonicalJSONError.notAnInteger(offset: 0)) { try decode(text) }
    }

    @Test(arguments: ["01", "-0", "-01", "00"])
    func leadingZerosAndNegativeZeroAreRefused(text: String) {
        #expect(throws: CanonicalJSONError.nonCanonicalInteger(offset: 0)) { try decode(text) }
    }

    @Test func integersOutsideTheExactDoubleRangeAreRefused() throws {
        #expect(throws: CanonicalJSONError.integerOutOfRange(offset: 0)) { try decode("9007199254740992") }
        #expect(throws: CanonicalJSONError.integerOutOfRange(offset: 0)) { try decode("-9007199254740992") }
        #expect(throws: CanonicalJSONError.integerOutOfRange(offset: 0)) { try decode("99999999999999999999999999") }
        #expect(try decode("9007199254740991") == .integer(9_007_199_254_740_991))
        #expect(try decode("-9007199254740991") == .integer(-9_007_199_254_740_991))
        #expect(throws: CanonicalJSONError.unexpectedByte(offset: 0)) { try decode("+1") }
        #expect(throws: CanonicalJSONError.unexpectedByte(offset: 1)) { try decode("-a") }
    }

    @Test(arguments: [
        ([0xC0, 0xAF], "overlong slash"), ([0xE0, 0x80, 0xAF], "overlong three bytes"), ([0xED, 0xA0, 0x80], "UTF-16 surrogate"),
        ([0xF4, 0x90, 0x80, 0x80], "above U+10FFFF"), ([0x80], "lone continuation"), ([0xE2, 0x82], "truncated"),
        ([0xFF], "never in UTF-8"), ([0xF0, 0x9F, 0x98], "truncated four bytes"), ([0xC3, 0x28], "bad continuation"),
    ] as [([UInt8], String)])
    func invalidUTF8IsRefused(bytes: [UInt8], what: String) {
        let document = [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]
        #expect(throws: CanonicalJSONError.invalidUTF8(offset: 1), "\(what)") { try CanonicalJSONValue(canonicalBytes: document) }
    }

    @Test func validMultiByteUTF8IsAccepted() throws {
        let text = "é€😀\u{10FFFF}\u{FFFD}"
        #expect(try CanonicalJSONValue(canonicalBytes: Array("\"\(text)\"".utf8)) == .string(text))
    }

    @Test(arguments: [
        ("", CanonicalJSONError.unexpectedEnd), ("{", .unexpectedEnd), ("[1,", .unexpectedEnd), ("\"abc", .unexpectedEnd),
        ("tru", .unexpectedEnd), ("True", .unexpectedByte(offset: 0)), ("nul!", .unexpectedByte(offset: 3)),
        ("[1,]", .unexpectedByte(offset: 3)), (#"{"a":1,}"#, .unexpectedByte(offset: 7)), ("{}{}", .trailingBytes(offset: 2)),
        ("{1:2}", .unexpectedByte(offset: 1)), ("'a'", .unexpectedByte(offset: 0)), ("[01]", .nonCanonicalInteger(offset: 1)),
        ("NaN", .unexpectedByte(offset: 0)), ("\u{FEFF}{}", .unexpectedByte(offset: 0)),
    ])
    func malformedInputIsRefused(text: String, error: CanonicalJSONError) {
        #expect(throws: error) { try decode(text) }
    }

    @Test func deepNestingIsRefused() throws {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(throws: CanonicalJSONError.nestedTooDeeply(offset: 32)) { try decode(deep) }
        let fine = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try decode(fine) }
    }
}
