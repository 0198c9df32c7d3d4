import GatehouseMasking
import Testing
@testable import GatehousePostgresMasking

/// Arrays in text format, as array_out writes them.
@Suite struct ArrayLiteralTests {
    @Test func elementsAreMaskedAndTheRestKept() throws {
        #expect(try maskedText("{alice@example.com,plain,NULL}", oid: OID.textArray, .detect) == "{[EMAIL],plain,NULL}")
    }

    @Test func cleanArraysAreUnchangedByteForByte() throws {
        let literal = #"{"a b","with \"quote\"",NULL,"back\\slash",{nested}}"#
        #expect(try valueMasker.mask(bytes(literal), typeOID: OID.textArray, format: 0, mask: .detect).value == .unchanged)
    }

    @Test func quotedElementsAreDecodedBeforeMasking() throws {
        // "mail alice@example.com" holds a space, so it is quoted; the mask keeps the quotes.
        #expect(try maskedText(#"{"mail alice@example.com",x}"#, oid: OID.textArray, .detect) == #"{"mail [EMAIL]",x}"#)
        // Escapes inside the element: \" and \\ are decoded, the replacement re-escaped.
        #expect(try maskedText(#"{"\"alice@example.com\" \\ ok"}"#, oid: OID.textArray, .detect)
            == #"{"\"[EMAIL]\" \\ ok"}"#)
    }

    @Test func replacementsThatNeedQuotingAreQuoted() throws {
        // Partial masking of a card keeps separators: "****-****-****-1111" needs no quotes,
        // but a classified value masked to something with a space or comma does.
        let fields = try maskedText("{4111-1111-1111-1111}", oid: OID.textArray, .detect)
        #expect(fields == "{[CARD]}")
        var out: [UInt8] = []
        ArrayLiteralRewriter.appendEncoded(bytes("a b"), to: &out)
        #expect(text(out) == #""a b""#)
        out = []
        ArrayLiteralRewriter.appendEncoded(bytes("x,y"), to: &out)
        #expect(text(out) == #""x,y""#)
        out = []
        ArrayLiteralRewriter.appendEncoded(bytes(#"q"\"#), to: &out)
        #expect(text(out) == #""q\"\\""#)
        out = []
        ArrayLiteralRewriter.appendEncoded(bytes("null"), to: &out)
        #expect(text(out) == #""null""#)
        out = []
        ArrayLiteralRewriter.appendEncoded([], to: &out)
        #expect(text(out) == #""""#)
        out = []
        ArrayLiteralRewriter.appendEncoded(bytes("[EMAIL]"), to: &out)
        #expect(text(out) == "[EMAIL]")
    }

    @Test func replacementWithSpaceGetsQuotedInTheLiteral() throws {
        let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                                   categoryStrategies: ["name": .partial],
                                   pseudonymKey: .init(size: .bits256), subjectKey: .init(size: .bits256))
        let masker = PostgresValueMasker(engine: engine)
        // Whatever the replacement, the output must parse back to the same number of elements.
        let result = try masker.mask(bytes(#"{"Jane Doe",Bob}"#), typeOID: OID.textArray, format: 0,
                                     mask: .classified(category: "name"))
        guard case .replaced(let output) = result.value else { Issue.record("not masked"); return }
        var count = 0
        _ = try output.withUnsafeBytes { raw in
            try ArrayLiteralRewriter.rewrite(raw) { _ in count += 1; return nil }
        }
        #expect(count == 2)
    }

    @Test func backslashesInUnquotedElements() throws {
        // array_in accepts escapes outside quotes: decoded before detection (the address hides behind
        // `\@`); unmasked elements keep their escapes, masked ones are written array_out's way.
        #expect(try maskedText(#"{alice\@example.com,a\,b}"#, oid: OID.textArray, .detect) == #"{[EMAIL],a\,b}"#)
        #expect(try maskedText(#"{x\ alice@example.com}"#, oid: OID.textArray, .detect) == #"{"x [EMAIL]"}"#)
    }

    @Test func nullElementsStayNull() throws {
        #expect(try maskedText("{NULL,null,Jane}", oid: OID.textArray, .classified(category: "name")) == "{NULL,null,[NAME]}")
        // A quoted "NULL" is the string NULL, masked like any other.
        #expect(try maskedText(#"{"NULL"}"#, oid: OID.textArray, .classified(category: "name")) == "{[NAME]}")
    }

    @Test func nestedDimensionsAndBoundsDecoration() throws {
        #expect(try maskedText("{{a@example.com,b},{c,d@example.com}}", oid: OID.textArray, .detect)
            == "{{[EMAIL],b},{c,[EMAIL]}}")
        #expect(try maskedText("[0:1]={alice@example.com,x}", oid: OID.textArray, .detect) == "[0:1]={[EMAIL],x}")
        #expect(try maskedText("[1:2][1:1]={{alice@example.com},{x}}", oid: OID.varcharArray, .detect)
            == "[1:2][1:1]={{[EMAIL]},{x}}")
    }

    @Test func whitespaceAroundElementsIsKept() throws {
        #expect(try maskedText("{ alice@example.com , x }", oid: OID.textArray, .detect) == "{ [EMAIL] , x }")
    }

    @Test func emptyArrays() throws {
        #expect(try maskedText("{}", oid: OID.textArray, .classified(category: "name")) == "{}")
        #expect(try maskedText("{}", oid: OID.int4Array, .classified(category: "name")) == "NULL")
    }

    @Test func jsonArrays() throws {
        let literal = #"{"{\"e\": \"alice@example.com\"}","[1, 2]"}"#
        #expect(try maskedText(literal, oid: OID.jsonArray, .detect) == #"{"{\"e\": \"[EMAIL]\"}","[1, 2]"}"#)
        #expect(try maskedText(literal, oid: OID.jsonbArray, .classified(category: "contact"))
            == #"{"{\"e\": \"[EMAIL]\"}","[\"[CONTACT]\", \"[CONTACT]\"]"}"#)
    }

    @Test func arraysOfOpaqueTypes() throws {
        #expect(try maskedText("{1,2}", oid: OID.int4Array, .detect) == "{1,2}")
        #expect(try maskedText("{2024-01-01}", oid: OID.dateArray, .classified(category: "birth-date")) == "NULL")
        #expect(try maskedText("{x}", oid: OID.textArray, .jsonFields([try JSONField(path: "$", category: "name")])) == "{[NAME]}")
    }

    @Test(arguments: [
        "{a,b", "{\"a}", "a,b}", "{a}x", "{a,,b}", "{a{b}}", "[1:2={a}", "[1:2]{a}", "{a,}", "{a\\", "{{{{{{{a}}}}}}}",
    ])
    func malformedLiteralsThrow(_ literal: String) {
        #expect(throws: PostgresMaskingError.self) {
            try valueMasker.mask(bytes(literal), typeOID: OID.textArray, format: 0, mask: .detect)
        }
    }
}
