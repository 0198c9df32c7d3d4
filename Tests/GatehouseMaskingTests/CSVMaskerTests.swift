import Crypto
import Testing
@testable import GatehouseMasking

@Suite struct CSVMaskerTests {
    let engine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                               pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                               subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))

    func masked(_ csv: String, _ options: CSVMaskingOptions = CSVMaskingOptions(), engine: MaskingEngine? = nil) throws -> String {
        let result = try CSVMasker(engine: engine ?? self.engine, options: options).mask(Array(csv.utf8))
        return result.output.map { String(decoding: $0, as: UTF8.self) } ?? csv
    }

    /// A minimal RFC 4180 reader for checking structure in tests.
    func records(_ csv: String, delimiter: Character = ",") -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var chars = Array(csv), k = 0
        if csv.isEmpty { return [] }
        while k < chars.count {
            let c = chars[k]
            if quoted {
                if c == "\"" { if k + 1 < chars.count && chars[k + 1] == "\"" { cell.append("\""); k += 1 } else { quoted = false } }
                else { cell.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == delimiter { row.append(cell); cell = "" }
            else if c == "\n" || c == "\r\n" { row.append(cell); rows.append(row); row = []; cell = "" }
            else { cell.append(c) }
            k += 1
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        chars = []
        return rows
    }

    @Test func namedColumnsByCategoryAndDetectorsElsewhere() throws {
        let csv = "id,name,email,note\n1,Jane Doe,jane@example.com,call +49 30 1234567\n2,Bob,bob@example.org,nothing\n"
        let out = try masked(csv, CSVMaskingOptions(columnCategories: ["name": "name", "email": "contact"]))
        #expect(out == "id,name,email,note\n1,[NAME],[EMAIL],call [PHONE]\n2,[NAME],[EMAIL],nothing\n")
        #expect(records(out).map(\.count) == records(csv).map(\.count))
    }

    @Test func headerCellsAreNeverMasked() throws {
        let csv = "alice@example.com,x\nbob@example.org,y\n"
        #expect(try masked(csv) == "alice@example.com,x\n[EMAIL],y\n")
    }

    @Test func quotedCellsStayQuotedAndNewValuesAreQuotedWhenNeeded() throws {
        let csv = "a,b\n\"alice@example.com\",\"x, \"\"y\"\"\nz\"\n"
        #expect(try masked(csv) == "a,b\n\"[EMAIL]\",\"x, \"\"y\"\"\nz\"\n")
        // A classified value rendered by the partial strategy keeps its first character: a quote.
        let partial = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .partial,
                                    pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                                    subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
        let out = try masked("name\n\"\"\"Q\"\" Smith\"\nPlain\n", CSVMaskingOptions(columnCategories: ["name": "name"]), engine: partial)
        #expect(out == "name\n\"\"\"***\"\nP***\n")
        #expect(records(out) == [["name"], ["\"***"], ["P***"]])
    }

    @Test func unquotedMaskedValueWithDelimiterOrQuoteGetsQuoted() throws {
        // Redaction labels custom detections with their name: here it holds a delimiter and a quote.
        let detectors = DetectorSet(dictionaries: [TermDictionary(name: "a,\"b", terms: ["secret"])])
        let e = MaskingEngine(detectors: detectors, defaultStrategy: .redact,
                              pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                              subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
        let out = try masked("h,i\nsecret,1\n", CSVMaskingOptions(), engine: e)
        #expect(out == "h,i\n\"[A,\"\"B]\",1\n")
        #expect(records(out) == [["h", "i"], ["[A,\"B]", "1"]])
        // With a tab delimiter the comma needs no quoting, the quote still does.
        let tsv = try masked("h\tsecret\n", CSVMaskingOptions(delimiter: 0x09, hasHeader: false), engine: e)
        #expect(tsv == "h\t\"[A,\"\"B]\"\n")
    }

    @Test func lineEndingsArePreserved() throws {
        let crlf = "a,b\r\nalice@example.com,1\r\nx,\"multi\r\nline bob@example.org\"\r\n"
        #expect(try masked(crlf) == "a,b\r\n[EMAIL],1\r\nx,\"multi\r\nline [EMAIL]\"\r\n")
        let noTrailing = "a\nalice@example.com"
        #expect(try masked(noTrailing) == "a\n[EMAIL]")
        let mixed = "a\r\nalice@example.com\nbob@example.org\r\n"
        #expect(try masked(mixed) == "a\r\n[EMAIL]\n[EMAIL]\r\n")
    }

    @Test func tabDelimiterAndNoHeaderWithIndexes() throws {
        let tsv = "1\tJane Doe\tjane@example.com, x\n2\tBob\tnone\n"
        let out = try masked(tsv, CSVMaskingOptions(delimiter: 0x09, hasHeader: false, indexCategories: [1: "name"]))
        #expect(out == "1\t[NAME]\t[EMAIL], x\n2\t[NAME]\tnone\n")
    }

    @Test func raggedRowsEmptyCellsAndEmptyInput() throws {
        #expect(try masked("") == "")
        #expect(try masked("a,b\n,,\n\n1\n") == "a,b\n,,\n\n1\n")
        #expect(try masked("a\nx,alice@example.com,\n") == "a\nx,[EMAIL],\n")
        #expect(try masked("a,b\n1,", CSVMaskingOptions(columnCategories: ["b": "x"])) == "a,b\n1,")   // empty stays empty
    }

    @Test func byteOrderMarkBeforeTheFirstHeader() throws {
        #expect(try masked("\u{FEFF}name,x\nJane,1\n", CSVMaskingOptions(columnCategories: ["name": "name"]))
            == "\u{FEFF}name,x\n[NAME],1\n")
    }

    @Test func unicodeAroundIdentifiers() throws {
        let csv = "名前,メモ\n山田,\"連絡先: yamada@example.jp ✓\"\n"
        #expect(try masked(csv) == "名前,メモ\n山田,\"連絡先: [EMAIL] ✓\"\n")
    }

    @Test func subjectHitsOncePerSubject() throws {
        let csv = "e\nalice@example.com\nALICE@example.com\n4111 1111 1111 1111\n"
        let result = try CSVMasker(engine: engine).mask(Array(csv.utf8))
        #expect(result.hits.map(\.kind) == [.email, .paymentCard])
    }

    @Test(arguments: ["a\nx\"y\n", "a\n\"abc\n", "a\n\"abc\"d\n", "a,b\n\"x\" ,y\n"])
    func malformedInputThrows(_ csv: String) {
        #expect(throws: MalformedInputError.self) { try CSVMasker(engine: engine).mask(Array(csv.utf8)) }
    }
}
