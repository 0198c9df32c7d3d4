import GatehouseCore
import GatehouseMasking
import NIOCore
import Testing
@testable import GatehousePostgresMasking

@Suite struct CopyRowMaskerTests {
    func masker(_ options: CopyOptions, _ masks: [ColumnMask]) throws -> CopyRowMasker {
        try CopyRowMasker(engine: testEngine, options: options, masks: masks)
    }

    /// The masked row, or nil when the original is forwarded.
    func mask(_ m: CopyRowMasker, _ row: String, isHeader: Bool = false) throws -> String? {
        var out = ByteBuffer()
        guard try m.mask(row: ByteBuffer(string: row), isHeader: isHeader, into: &out) != nil else {
            #expect(out.readableBytes == 0)
            return nil
        }
        return out.readString(length: out.readableBytes)
    }

    // MARK: - Text format

    @Test func textFieldsAreSplitByTabAndMasked() throws {
        let m = try masker(CopyOptions(), [.none, .detect, .classified(category: "name")])
        #expect(try mask(m, "1\twrite alice@example.com\tJane Doe\n") == "1\twrite [EMAIL]\t[NAME]\n")
        #expect(try mask(m, "1\tclean\t\\N\n") == nil)   // NULL stays NULL, clean stays clean
    }

    @Test func unmaskedFieldsKeepTheirEscapes() throws {
        let m = try masker(CopyOptions(), [.detect, .detect])
        #expect(try mask(m, "a\\tb\\\\c\\nd\talice@example.com\n") == "a\\tb\\\\c\\nd\t[EMAIL]\n")
    }

    @Test func escapesAreDecodedBeforeMaskingAndReapplied() throws {
        let m = try masker(CopyOptions(), [.detect])
        // \x61 is "a", \154 is "l": the address is only visible once decoded.
        #expect(try mask(m, "line1\\n\\x61\\154ice@example.com\\tend\n") == "line1\\n[EMAIL]\\tend\n")
        // \b \f \r \v survive the round trip as escapes.
        #expect(try mask(m, "\\b\\f\\r\\v alice@example.com\n") == "\\b\\f\\r\\v [EMAIL]\n")
    }

    @Test func customDelimiterAndNull() throws {
        let m = try masker(CopyOptions(delimiter: "|", null: "NULL"), [.detect, .classified(category: "name")])
        #expect(try mask(m, "alice@example.com|NULL\n") == "[EMAIL]|NULL\n")
        // A replacement holding the delimiter is escaped.
        var out: [UInt8] = []
        CopyTextCodec.appendEncoded(bytes("a|b\\c\td\n"), delimiter: UInt8(ascii: "|"), to: &out)
        #expect(text(out) == "a\\|b\\\\c\\td\\n")
    }

    @Test func classifiedNonTextBecomesTheNullMarker() throws {
        let m = try CopyRowMasker(engine: testEngine, options: CopyOptions(), columns: [
            ResultColumnMask(typeOID: OID.date, format: 0, mask: .classified(category: "birth-date")),
            ResultColumnMask(typeOID: 0, format: 0, mask: .none),
        ])
        #expect(try mask(m, "1990-04-01\tx\n") == "\\N\tx\n")
    }

    @Test func textArraysAndJSONInCopy() throws {
        let m = try CopyRowMasker(engine: testEngine, options: CopyOptions(), columns: [
            ResultColumnMask(typeOID: OID.textArray, format: 0, mask: .detect),
            ResultColumnMask(typeOID: OID.jsonb, format: 0, mask: .detect),
        ])
        #expect(try mask(m, "{\"a alice@example.com\",b}\t{\"e\": \"bob@example.com\"}\n")
            == "{\"a [EMAIL]\",b}\t{\"e\": \"[EMAIL]\"}\n")
    }

    @Test func malformedTextRowsThrow() throws {
        let m = try masker(CopyOptions(), [.detect, .detect])
        for row in ["only one\n", "a\tb\tc\n", "a\nb\tc\n", "a\tb\\"] {
            var out = ByteBuffer()
            #expect(throws: PostgresMaskingError.self) { try m.mask(row: ByteBuffer(string: row), into: &out) }
            #expect(out.readableBytes == 0)
        }
    }

    // MARK: - CSV

    @Test func csvFieldsAndQuoting() throws {
        let m = try masker(CopyOptions(format: .csv), [.none, .detect, .detect])
        #expect(try mask(m, "1,alice@example.com,\"x, alice@example.com\"\n") == "1,[EMAIL],\"x, [EMAIL]\"\n")
        #expect(try mask(m, "1,clean,\"still, clean\"\n") == nil)
    }

    @Test func csvDoubledQuotesAndMultilineFields() throws {
        let m = try masker(CopyOptions(format: .csv), [.detect, .detect])
        #expect(try mask(m, "\"say \"\"hi\"\"\nto alice@example.com\",x\n") == "\"say \"\"hi\"\"\nto [EMAIL]\",x\n")
    }

    @Test func csvNullAndEmptyString() throws {
        let m = try masker(CopyOptions(format: .csv), [.classified(category: "name"), .classified(category: "name"), .classified(category: "name")])
        // Unquoted empty: NULL; quoted empty: empty string; both stay as they are.
        #expect(try mask(m, ",\"\",Jane\n") == ",\"\",[NAME]\n")
    }

    @Test func csvReplacementIsQuotedWhenNeeded() throws {
        var out: [UInt8] = []
        CopyCSVCodec.appendEncoded(bytes("a,b \"c\""), forceQuotes: false, delimiter: UInt8(ascii: ","),
                                   quote: UInt8(ascii: "\""), escape: UInt8(ascii: "\""), null: [], to: &out)
        #expect(text(out) == "\"a,b \"\"c\"\"\"")
        out = []
        CopyCSVCodec.appendEncoded([], forceQuotes: false, delimiter: UInt8(ascii: ","),
                                   quote: UInt8(ascii: "\""), escape: UInt8(ascii: "\""), null: [], to: &out)
        #expect(text(out) == "\"\"")   // would read back as NULL otherwise
        out = []
        CopyCSVCodec.appendEncoded(bytes("[EMAIL]"), forceQuotes: false, delimiter: UInt8(ascii: ","),
                                   quote: UInt8(ascii: "\""), escape: UInt8(ascii: "\""), null: [], to: &out)
        #expect(text(out) == "[EMAIL]")
    }

    @Test func csvWithCustomQuoteEscapeAndNull() throws {
        let m = try masker(CopyOptions(format: .csv, delimiter: ";", null: "NULL", quote: "'", escape: "\\"),
                           [.detect, .classified(category: "name"), .detect])
        #expect(try mask(m, "'it\\'s alice@example.com';NULL;'a;b'\n") == "'it\\'s [EMAIL]';NULL;'a;b'\n")
    }

    @Test func csvClassifiedDateBecomesNullMarker() throws {
        let m = try CopyRowMasker(engine: testEngine, options: CopyOptions(format: .csv), columns: [
            ResultColumnMask(typeOID: OID.date, format: 0, mask: .classified(category: "birth-date")),
        ])
        #expect(try mask(m, "1990-04-01\n") == "\n")
    }

    @Test func csvHeaderIsPassedThrough() throws {
        let m = try masker(CopyOptions(format: .csv, header: true), [.detect, .classified(category: "name")])
        #expect(try mask(m, "alice@example.com,name\n", isHeader: true) == nil)
        #expect(try mask(m, "alice@example.com,Jane\n") == "[EMAIL],[NAME]\n")
    }

    @Test func malformedCSVRowsThrow() throws {
        let m = try masker(CopyOptions(format: .csv), [.detect, .detect])
        for row in ["\"unterminated,x\n", "a,b,c\n", "a\n", "a\nb,c\n"] {
            var out = ByteBuffer()
            #expect(throws: PostgresMaskingError.self) { try m.mask(row: ByteBuffer(string: row), into: &out) }
        }
    }

    @Test func binaryCopyAndBadOptionsAreRefused() {
        #expect(throws: PostgresMaskingError.self) { try masker(CopyOptions(format: .binary), [.detect]) }
        #expect(throws: PostgresMaskingError.self) { try masker(CopyOptions(delimiter: "ab"), [.detect]) }
    }

    @Test func allNoneNeedsNoWork() throws {
        let m = try masker(CopyOptions(), [.none, .none])
        #expect(!m.needsWork)
        #expect(try mask(m, "alice@example.com\tx\n") == nil)
    }
}
