import Crypto
import Foundation
import Testing
@testable import GatehouseMasking

@Suite struct JSONMaskerTests {
    let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                               pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                               subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))

    func masked(_ json: String, _ fields: [String: String] = [:]) throws -> String {
        let masker = try JSONMasker(engine: engine, fieldCategories: fields)
        let result = try masker.mask(Array(json.utf8))
        return result.output.map { String(decoding: $0, as: UTF8.self) } ?? json
    }

    func parsed(_ json: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
    }

    /// Same shape: same keys, same array lengths, same container kinds.
    func sameStructure(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { sameStructure(x[$0]!, y[$0]!) }
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { sameStructure($0, $1) }
        case (is [String: Any], _), (_, is [String: Any]), (is [Any], _), (_, is [Any]):
            return false
        default:
            return true
        }
    }

    @Test func detectorsRunOnEveryStringValue() throws {
        let json = #"{"note": "write to alice@example.com", "list": ["ok", "SSN 123-45-6789"], "n": 3}"#
        let out = try masked(json)
        #expect(out == #"{"note": "write to [EMAIL]", "list": ["ok", "SSN [SSN]"], "n": 3}"#)
        #expect(sameStructure(try parsed(json), try parsed(out)))
    }

    @Test func configuredPathsAreMaskedWholeByCategory() throws {
        let json = """
        {
          "customer": {"email": "alice@example.com", "name": "Jane Doe", "city": "Berlin"},
          "items": [{"owner": {"phone": "call me maybe"}}, {"owner": {"phone": "ext 12"}}],
          "a": {"email": "free text"}, "b": {"email": "more text"},
          "rows": [{"ssn": "x"}, {"ssn": "y"}],
          "dotted.key": {"v": "secret"}
        }
        """
        let out = try masked(json, [
            "$.customer.email": "contact", "$.customer.name": "name",
            "$.items[*].owner.phone": "contact", "$.*.email": "contact",
            "$.rows[1].ssn": "national-id", #"$["dotted.key"].v"#: "secret",
        ])
        let object = try #require(try parsed(out) as? [String: Any])
        let customer = try #require(object["customer"] as? [String: Any])
        #expect(customer["email"] as? String == "[EMAIL]")   // an identifier keeps its kind's label
        #expect(customer["name"] as? String == "[NAME]")
        #expect(customer["city"] as? String == "Berlin")
        let items = try #require(object["items"] as? [[String: [String: String]]])
        #expect(items.map { $0["owner"]!["phone"]! } == ["[CONTACT]", "[CONTACT]"])
        #expect((object["a"] as? [String: String])?["email"] == "[CONTACT]")
        #expect((object["b"] as? [String: String])?["email"] == "[CONTACT]")
        #expect((object["rows"] as? [[String: String]])?.map { $0["ssn"]! } == ["x", "[NATIONAL-ID]"])
        #expect((object["dotted.key"] as? [String: String])?["v"] == "[SECRET]")
        #expect(sameStructure(try parsed(json), object))
        // Formatting is preserved: only the masked tokens changed.
        #expect(out.split(separator: "\n").count == json.split(separator: "\n").count)
        #expect(out.hasPrefix("{\n  \"customer\": {\"email\": \"[EMAIL]\", \"name\": \"[NAME]\", \"city\": \"Berlin\"}"))
    }

    @Test func aPathNamingAContainerMasksEverythingInside() throws {
        let out = try masked(#"{"profile": {"a": "x", "b": [1, "y", null, true]}, "keep": "z"}"#, ["$.profile": "personal"])
        #expect(out == #"{"profile": {"a": "[PERSONAL]", "b": ["[PERSONAL]", "[PERSONAL]", null, true]}, "keep": "z"}"#)
    }

    @Test func theRootPathMasksTheWholeDocument() throws {
        #expect(try masked(#"{"a": "x", "b": [1, null]}"#, ["$": "personal"]) == #"{"a": "[PERSONAL]", "b": ["[PERSONAL]", null]}"#)
        #expect(try masked(#""alice""#, ["$": "name"]) == #""[NAME]""#)
        #expect(try masked("true", ["$": "name"]) == "true")
    }

    @Test func numbersBecomeStringsOnlyWhenMasked() throws {
        let json = #"{"card": 4111111111111111, "qty": 12, "price": -1.5e3, "id": 7}"#
        let out = try masked(json, ["$.id": "customer-id"])
        #expect(out == #"{"card": "[CARD]", "qty": 12, "price": -1.5e3, "id": "[CUSTOMER-ID]"}"#)
        #expect(sameStructure(try parsed(json), try parsed(out)))
    }

    /// A member name is matched as decoded: escapes and non-ASCII names find their paths, and a
    /// name that only starts like a path's does not.
    @Test func memberNamesAreMatchedDecoded() throws {
        let fields = ["$.name": "name", "$.straße": "contact"]
        let json = #"{"n\u0061me": "Ada", "stra\u00dfe": "Hauptstr. 1", "straße": "Ring 2", "names": "kept", "nam": "kept"}"#
        let object = try #require(try parsed(try masked(json, fields)) as? [String: String])
        #expect(object["name"] == "[NAME]" && object["straße"] == "[CONTACT]")
        #expect(object["names"] == "kept" && object["nam"] == "kept")
    }

    @Test func keysAreNeverMasked() throws {
        let json = #"{"alice@example.com": "bob@example.org"}"#
        #expect(try masked(json) == #"{"alice@example.com": "[EMAIL]"}"#)
    }

    @Test func unicodeEscapesAreDecodedBeforeDetection() throws {
        // "alice@example.com" with escaped letters, and an escaped "@".
        let json = #"{"a": "mail \u0061lice\u0040example.com", "b": "J\u00f6rg \ud83d\ude00 bob@example.org"}"#
        let out = try masked(json)
        let object = try #require(try parsed(out) as? [String: String])
        #expect(object["a"] == "mail [EMAIL]")
        #expect(object["b"] == "Jörg 😀 [EMAIL]")
    }

    @Test func maskedValuesAreReEscaped() throws {
        let masker = JSONMasker(engine: engine, fields: [try JSONField(path: "$.v", category: "x")])
        let partial = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .partial,
                                    pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                                    subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
        // Partial keeps the first character: a quote, a backslash, a newline must come out escaped.
        for first in ["\\\"", "\\\\", "\\n", "\\u0001", "é"] {
            let json = "{\"v\": \"\(first)rest of value\", \"w\": \"tab\\there\"}"
            let out = try #require(try JSONMasker(engine: partial, fields: masker.fields).mask(Array(json.utf8)).output)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: String])
            #expect(object["v"]?.hasSuffix("***") == true)
            #expect(object["w"] == "tab\there")
            #expect(String(decoding: out, as: UTF8.self).contains(#""w": "tab\there""#))   // untouched escapes kept
        }
    }

    @Test func untouchedDocumentsProduceNoOutput() throws {
        let json = #"  {"a": [1, 2.5, -0, 1e5, true, false, null, "plain \"text\" \u00e9"], "b": {}} "#
        let result = try JSONMasker(engine: engine).mask(Array(json.utf8))
        #expect(result.output == nil)
        #expect(result.hits.isEmpty)
    }

    @Test func topLevelScalars() throws {
        #expect(try masked(#""alice@example.com""#) == #""[EMAIL]""#)
        #expect(try masked("4111111111111111") == #""[CARD]""#)
        #expect(try masked("42") == "42")
    }

    @Test func subjectHitsAreCollectedOncePerSubject() throws {
        let json = #"{"a": "alice@example.com", "b": ["Alice@Example.com", "4111 1111 1111 1111"]}"#
        let result = try JSONMasker(engine: engine).mask(Array(json.utf8))
        #expect(result.hits.map(\.kind) == [.email, .paymentCard])
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]", "[1e]", "[-]",
        "[tru]", "[nul]", "\"abc", "\"a\\x\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "[1] [2]", "{\"a\":1}}", "\"tab\there\"", "[\"a\" \"b\"]", "{\"a\":}", "+1", "[NaN]",
    ])
    func malformedInputThrows(_ json: String) {
        #expect(throws: MalformedInputError.self) { try JSONMasker(engine: engine).mask(Array(json.utf8)) }
    }

    @Test func invalidUTF8AndDeepNestingThrow() {
        let masker = JSONMasker(engine: engine)
        #expect(throws: MalformedInputError.self) { try masker.mask([0x22, 0xFF, 0x22]) }
        #expect(throws: MalformedInputError.self) { try masker.mask([0x22, 0xC3, 0x22]) }
        #expect(throws: MalformedInputError.self) { try masker.mask([0x22, 0xED, 0xA0, 0x80, 0x22]) }   // encoded surrogate
        let deep = String(repeating: "[", count: JSONMasker.maxDepth + 1) + String(repeating: "]", count: JSONMasker.maxDepth + 1)
        #expect(throws: MalformedInputError.self) { try masker.mask(Array(deep.utf8)) }
        let ok = String(repeating: "[", count: JSONMasker.maxDepth) + String(repeating: "]", count: JSONMasker.maxDepth)
        #expect(throws: Never.self) { try masker.mask(Array(ok.utf8)) }
    }

    @Test func invalidPathsThrow() {
        for path in ["customer.email", "$..email", "$.a[", "$.a[x]", "$.", "$[\"a]"] {
            #expect(throws: JSONPathError.self) { try JSONPath(path) }
        }
    }

    @Test func largeGeneratedDocumentStaysValidWithSameStructure() throws {
        var parts: [String] = []
        for n in 0..<200 {
            parts.append(#"{"id": \#(n), "email": "user\#(n)@example.com", "note": "line\n\"quoted\" \u00e9 \#(n)", "tags": ["a", "b"]}"#)
        }
        let json = "[\n" + parts.joined(separator: ",\n") + "\n]"
        let out = try masked(json, ["$[*].note": "free-text"])
        let object = try #require(try parsed(out) as? [[String: Any]])
        #expect(sameStructure(try parsed(json), object))
        #expect(object.allSatisfy { $0["email"] as? String == "[EMAIL]" && $0["note"] as? String == "[FREE-TEXT]" })
        #expect(object.map { $0["id"] as? Int } == (0..<200).map { $0 })
    }
}
