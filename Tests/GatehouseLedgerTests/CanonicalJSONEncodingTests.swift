import Testing
@testable import GatehouseLedger

@Suite struct CanonicalJSONEncodingTests {
    private func text(_ value: CanonicalJSONValue) throws -> String {
        String(decoding: try value.canonicalBytes(), as: UTF8.self)
    }

    /// Sealed boxes are written as base64 straight into the entry: the same text as the
    /// canonical base64 the reader accepts, for every length's padding.
    @Test func base64IsWrittenAsNoteBase64WritesIt() {
        var random = SystemRandomNumberGenerator()
        for length in Array(0...70) + [1_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var writer = CanonicalJSONWriter()
            writer.beginArray()
            writer.base64String(bytes)
            writer.base64String(bytes[...])
            writer.endArray()
            let encoded = NoteBase64.encode(bytes)
            #expect(writer.bytes == Array("[\"\(encoded)\",\"\(encoded)\"]".utf8))
            #expect(length == 0 || NoteBase64.decodeCanonical(encoded) == bytes)
        }
    }

    @Test func keysAreSortedWithoutWhitespace() throws {
        let value = CanonicalJSONValue.object([
            "b": .integer(1), "a": .array([.integer(1), .integer(2)]), "aa": .object([:]), "B": .null, "": .bool(true),
        ])
        #expect(try text(value) == #"{"":true,"B":null,"a":[1,2],"aa":{},"b":1}"#)
    }

    @Test func keysSortByUTF16CodeUnitsNotByScalars() throws {
        // U+1F600 is D83D DE00 in UTF-16, before U+E000; in UTF-8 or by scalar it would sort after.
        let value = CanonicalJSONValue.object(["\u{E000}": .integer(1), "\u{1F600}": .integer(2)])
        #expect(try text(value) == "{\"\u{1F600}\":2,\"\u{E000}\":1}")
    }

    @Test func stringsUseTheCanonicalEscapes() throws {
        let value = CanonicalJSONValue.string("\"\\\u{08}\u{0C}\n\r\t\u{00}\u{01}\u{1F}")
        #expect(try text(value) == #""\"\\\b\f\n\r\t\u0000\u0001\u001f""#)
    }

    /// Escapes found at every position of long strings, whatever their neighbours (the writer skips
    /// eight bytes at a time while none needs one).
    @Test func escapesAreFoundAtEveryPositionOfLongStrings() throws {
        func expected(_ scalar: Unicode.Scalar) -> String {
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\u{08}": return "\\b"
            case "\u{0C}": return "\\f"
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            case _ where scalar.value < 0x20: return "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: return String(scalar)
            }
        }
        let fillers: [String] = ["abcdefghijklmnopqrstuvwxyz0123456789ABCD", "!#$%&'()*+,-./[]^_`{|}~\u{7F} é😀 xyzxyzxyz"]
        for filler in fillers {
            let scalars = Array(filler.unicodeScalars)
            for special in ["\"", "\\", "\n", "\u{00}", "\u{1F}", "\u{08}"] as [Unicode.Scalar] {
                for position in 0...scalars.count {
                    var text = String.UnicodeScalarView()
                    text.append(contentsOf: scalars[..<position])
                    text.append(special)
                    text.append(contentsOf: scalars[position...])
                    let string = String(text)
                    let wanted = "\"" + string.unicodeScalars.map(expected).joined() + "\""
                    #expect(try self.text(.string(string)) == wanted, "\(special.value) at \(position)")
                }
            }
            #expect(try self.text(.string(filler)) == "\"" + filler.unicodeScalars.map(expected).joined() + "\"")
        }
    }

    @Test func everythingElseIsRawUTF8() throws {
        let value = CanonicalJSONValue.string("/ é 😀 \u{7F} \u{2028} \u{FEFF} e\u{301}")
        #expect(try value.canonicalBytes() == [UInt8(ascii: "\"")] + Array("/ é 😀 \u{7F} \u{2028} \u{FEFF} e\u{301}".utf8) + [UInt8(ascii: "\"")])
    }

    @Test func integersArePlainDecimal() throws {
        let value = CanonicalJSONValue.array([.integer(0), .integer(-1), .integer(1_234_567), .integer(9_007_199_254_740_991),
                                              .integer(-9_007_199_254_740_991)])
        #expect(try text(value) == "[0,-1,1234567,9007199254740991,-9007199254740991]")
    }

    @Test(arguments: [9_007_199_254_740_992, -9_007_199_254_740_992, Int.max, Int.min])
    func integersBeyondTheExactDoubleRangeAreRefused(integer: Int) {
        #expect(throws: CanonicalJSONError.integerOutOfRange(offset: nil)) { try CanonicalJSONValue.integer(integer).canonicalBytes() }
    }

    @Test func literalsAndEmptyContainers() throws {
        #expect(try text(.array([.bool(true), .bool(false), .null, .array([]), .object([:]), .string("")])) == #"[true,false,null,[],{},""]"#)
    }

    @Test func valuesRoundTripThroughTheStrictDecoder() throws {
        let value = CanonicalJSONValue.object([
            "text": .string("Zoë \"quoted\"\n\u{01}😀\u{7F}"), "n": .array([.integer(-42), .null, .bool(false)]),
            "nested": .object(["z": .object(["y": .array([.object([:])])])]),
        ])
        let bytes = try value.canonicalBytes()
        #expect(try CanonicalJSONValue(canonicalBytes: bytes) == value)
    }

    @Test func theWriterSeparatesMembersAndElements() throws {
        var writer = CanonicalJSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.beginArray()
        writer.beginObject()
        writer.endObject()
        writer.string("x")
        writer.endArray()
        writer.key("b")
        try writer.integer(-7)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[{},"x"],"b":-7}"#)
    }
}
