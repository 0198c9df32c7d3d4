import GatehouseMasking
import Testing
@testable import GatehousePostgresMasking

@Suite struct ValueMaskerTests {
    // MARK: - .none, empty

    @Test func noneIsUnchangedForEveryType() throws {
        for oid in [OID.text, OID.json, OID.jsonb, OID.textArray, OID.date, OID.userType] {
            for format: Int16 in [0, 1] {
                let result = try valueMasker.mask(bytes("alice@example.com"), typeOID: oid, format: format, mask: .none)
                #expect(result.value == .unchanged)
                #expect(!result.masked)
                #expect(result.hits.isEmpty)
            }
        }
    }

    @Test func emptyValuesStayEmpty() throws {
        for mask: ColumnMask in [.detect, .classified(category: "contact")] {
            for oid in [OID.text, OID.json, OID.jsonb, OID.date, OID.userType] {
                #expect(try valueMasker.mask([], typeOID: oid, format: 0, mask: mask).value == .unchanged)
            }
        }
    }

    // MARK: - Text-like

    @Test func textLikeDetectsInBothFormats() throws {
        for oid in [OID.text, OID.varchar, OID.bpchar, OID.name, OID.unknown, 0] {
            for format: Int16 in [0, 1] {
                let result = try valueMasker.mask(bytes("mail alice@example.com now"), typeOID: oid, format: format, mask: .detect)
                #expect(result.value == .replaced(bytes("mail [EMAIL] now")))
                #expect(result.hits.count == 1)
                #expect(result.hits.first?.kind == .email)
            }
        }
    }

    @Test func cleanTextIsUnchanged() throws {
        let result = try valueMasker.mask(bytes("nothing to see"), typeOID: OID.text, format: 0, mask: .detect)
        #expect(result.value == .unchanged)
        #expect(result.hits.isEmpty)
    }

    @Test func classifiedTextIsMaskedWhole() throws {
        #expect(try maskedText("Jane Doe", oid: OID.varchar, .classified(category: "name")) == "[NAME]")
        #expect(try maskedText("alice@example.com", oid: OID.text, format: 1, .classified(category: "contact")) == "[EMAIL]")
    }

    // MARK: - JSON

    @Test func jsonDetectsInBothFormats() throws {
        let doc = #"{"note": "alice@example.com", "n": 1}"#
        for format: Int16 in [0, 1] {
            #expect(try maskedText(doc, oid: OID.json, format: format, .detect) == #"{"note": "[EMAIL]", "n": 1}"#)
        }
    }

    @Test func jsonbTextAndBinary() throws {
        let doc = #"{"email": "alice@example.com"}"#
        #expect(try maskedText(doc, oid: OID.jsonb, format: 0, .detect) == #"{"email": "[EMAIL]"}"#)
        let result = try valueMasker.mask([1] + bytes(doc), typeOID: OID.jsonb, format: 1, mask: .detect)
        #expect(result.value == .replaced([1] + bytes(#"{"email": "[EMAIL]"}"#)))
        let clean = try valueMasker.mask([1] + bytes(#"{"a": 1}"#), typeOID: OID.jsonb, format: 1, mask: .detect)
        #expect(clean.value == .unchanged)
    }

    @Test func jsonbBinaryVersionOtherThanOneThrows() {
        #expect(throws: PostgresMaskingError.self) {
            try valueMasker.mask([2] + bytes(#"{"a": 1}"#), typeOID: OID.jsonb, format: 1, mask: .detect)
        }
    }

    @Test func classifiedJSONMasksEveryStringAndNumber() throws {
        let doc = #"{"name": "Jane", "age": 42, "tags": ["x"], "ok": true, "none": null}"#
        let out = try maskedText(doc, oid: OID.json, .classified(category: "name"))
        #expect(out == #"{"name": "[NAME]", "age": "[NAME]", "tags": ["[NAME]"], "ok": true, "none": null}"#)
        let binary = try valueMasker.mask([1] + bytes(#"["Jane"]"#), typeOID: OID.jsonb, format: 1,
                                          mask: .classified(category: "name"))
        #expect(binary.value == .replaced([1] + bytes(#"["[NAME]"]"#)))
    }

    @Test func classifiedJSONScalarDocuments() throws {
        #expect(try maskedText(#" "Jane Doe" "#, oid: OID.json, .classified(category: "name")) == #" "[NAME]" "#)
        #expect(try maskedText("42", oid: OID.jsonb, .classified(category: "name")) == #""[NAME]""#)
        #expect(try maskedText("null", oid: OID.jsonb, .classified(category: "name")) == "null")
        let binary = try valueMasker.mask([1] + bytes(#""alice@example.com""#), typeOID: OID.jsonb, format: 1,
                                          mask: .classified(category: "contact"))
        #expect(binary.value == .replaced([1] + bytes(#""[EMAIL]""#)))
        // Not one JSON value: refused, not wrapped into something valid.
        #expect(throws: PostgresMaskingError.self) {
            try valueMasker.mask(bytes(#""a", "b""#), typeOID: OID.json, format: 0, mask: .classified(category: "name"))
        }
    }

    @Test func jsonFieldsMaskConfiguredPaths() throws {
        let fields = [try JSONField(path: "$.name", category: "name")]
        let doc = #"{"name": "Jane Doe", "note": "alice@example.com", "city": "Berlin"}"#
        #expect(try maskedText(doc, oid: OID.json, .jsonFields(fields))
            == #"{"name": "[NAME]", "note": "[EMAIL]", "city": "Berlin"}"#)
        // A text value under jsonFields: masked whole by the first field's category.
        #expect(try maskedText("Jane", oid: OID.text, .jsonFields(fields)) == "[NAME]")
        // Any other type: NULL.
        #expect(try maskedText("2024-01-01", oid: OID.date, .jsonFields(fields)) == "NULL")
    }

    @Test func invalidJSONThrowsWithoutContent() {
        do {
            _ = try valueMasker.mask(bytes(#"{"email": "alice@example.com""#), typeOID: OID.json, format: 0, mask: .detect)
            Issue.record("expected an error")
        } catch let error as PostgresMaskingError {
            #expect(error.subject == .json)
            #expect(!error.description.contains("alice"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // MARK: - Opaque and unknown types

    @Test func opaqueBuiltinsAreUnchangedUnderDetect() throws {
        for oid in [OID.int4, OID.date, OID.numeric, OID.inet, OID.char] {
            for format: Int16 in [0, 1] {
                #expect(try valueMasker.mask(bytes("10.0.0.1"), typeOID: oid, format: format, mask: .detect).value == .unchanged)
            }
        }
    }

    @Test func classifiedDateBecomesNullInBothFormats() throws {
        #expect(try valueMasker.mask(bytes("1990-04-01"), typeOID: OID.date, format: 0,
                                     mask: .classified(category: "birth-date")).value == .null)
        #expect(try valueMasker.mask([0xFF, 0xFF, 0xDE, 0x13], typeOID: OID.date, format: 1,
                                     mask: .classified(category: "birth-date")).value == .null)
    }

    @Test func classifiedOpaqueUnknownAndXMLBecomeNull() throws {
        for oid in [OID.int4, OID.numeric, OID.inet, OID.userType, OID.xml, OID.record] {
            for format: Int16 in [0, 1] {
                let result = try valueMasker.mask(bytes("x"), typeOID: oid, format: format, mask: .classified(category: "contact"))
                #expect(result.value == .null)
                #expect(result.masked)
            }
        }
    }

    @Test func unknownTypesDetectInTextOnly() throws {
        #expect(try maskedText("(1,alice@example.com)", oid: OID.userType, format: 0, .detect) == "(1,[EMAIL])")
        #expect(try maskedText("(1,alice@example.com)", oid: OID.record, format: 0, .detect) == "(1,[EMAIL])")
        #expect(try valueMasker.mask(bytes("alice@example.com"), typeOID: OID.userType, format: 1, mask: .detect).value == .unchanged)
    }

    @Test func xmlDetects() throws {
        #expect(try maskedText("<a>alice@example.com</a>", oid: OID.xml, format: 1, .detect) == "<a>[EMAIL]</a>")
    }
}
