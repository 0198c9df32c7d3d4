import GatehouseMasking
import NIOCore
import Testing
@testable import GatehousePostgresMasking

@Suite struct DataRowMaskerTests {
    func masker(_ columns: [ResultColumnMask]) -> DataRowMasker {
        DataRowMasker(engine: testEngine, columns: columns)
    }

    @Test func masksValuesAndRewritesLengths() throws {
        let m = masker([
            ResultColumnMask(typeOID: OID.int4, format: 1, mask: .none),
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect),
            ResultColumnMask(typeOID: OID.varchar, format: 0, mask: .classified(category: "name")),
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect),
        ])
        let body = dataRowBody([[0, 0, 0, 7], bytes("write alice@example.com"), bytes("Jane Doe"), nil])
        var out = ByteBuffer(bytes: [0xAA])   // whatever the caller already wrote stays
        let stats = try #require(try m.mask(body: body, into: &out))
        #expect(stats.valuesMasked == 2)
        #expect(stats.hits.count == 2)
        let first = out.readInteger(as: UInt8.self)
        #expect(first == 0xAA)
        #expect(dataRowValues(out)! == [[0, 0, 0, 7], bytes("write [EMAIL]"), bytes("[NAME]"), nil])
    }

    @Test func nothingMaskedMeansNilAndNothingWritten() throws {
        let m = masker([ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect)])
        var out = ByteBuffer()
        #expect(try m.mask(body: dataRowBody([bytes("clean")]), into: &out) == nil)
        #expect(out.readableBytes == 0)
    }

    @Test func allNoneNeedsNoWork() throws {
        let m = masker([ResultColumnMask(typeOID: OID.text, format: 0, mask: .none)])
        #expect(!m.needsWork)
        var out = ByteBuffer()
        #expect(try m.mask(body: dataRowBody([bytes("alice@example.com")]), into: &out) == nil)
        #expect(out.readableBytes == 0)
    }

    @Test func classifiedDateBecomesNull() throws {
        let m = masker([
            ResultColumnMask(typeOID: OID.date, format: 1, mask: .classified(category: "birth-date")),
            ResultColumnMask(typeOID: OID.date, format: 0, mask: .classified(category: "birth-date")),
        ])
        var out = ByteBuffer()
        let stats = try #require(try m.mask(body: dataRowBody([[0xFF, 0xFF, 0xDE, 0x13], bytes("1990-04-01")]), into: &out))
        #expect(stats.valuesMasked == 2)
        #expect(stats.hits.isEmpty)
        #expect(dataRowValues(out)! == [nil, nil])
    }

    @Test func hitsAreDeduplicatedAcrossColumns() throws {
        let m = masker(Array(repeating: ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect), count: 3))
        var out = ByteBuffer()
        let stats = try #require(try m.mask(body: dataRowBody([
            bytes("alice@example.com"), bytes("bob@example.com and alice@example.com"), bytes("alice@example.com"),
        ]), into: &out))
        #expect(stats.valuesMasked == 3)
        #expect(stats.hits.count == 2)
    }

    @Test func completeMessageHasTypeAndLength() throws {
        let m = masker([ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect)])
        var out = ByteBuffer()
        #expect(try m.maskMessage(body: dataRowBody([bytes("clean")]), into: &out) == nil)
        #expect(out.readableBytes == 0)
        _ = try #require(try m.maskMessage(body: dataRowBody([bytes("alice@example.com")]), into: &out))
        let type = out.readInteger(as: UInt8.self)
        #expect(type == UInt8(ascii: "D"))
        let length = try #require(out.getInteger(at: out.readerIndex, as: Int32.self))
        out.moveReaderIndex(forwardBy: 4)
        #expect(Int(length) == out.readableBytes + 4)
        #expect(dataRowValues(out)! == [bytes("[EMAIL]")])
    }

    @Test func jsonbBinaryAndArraysInARow() throws {
        let m = masker([
            ResultColumnMask(typeOID: OID.jsonb, format: 1, mask: .detect),
            ResultColumnMask(typeOID: OID.textArray, format: 1, mask: .detect),
        ])
        let array = binaryArray(elementOID: OID.text, dimensions: [(1, 1)], elements: [bytes("alice@example.com")])
        var out = ByteBuffer()
        _ = try #require(try m.mask(body: dataRowBody([[1] + bytes(#"{"e":"bob@example.com"}"#), array]), into: &out))
        #expect(dataRowValues(out)! == [
            [1] + bytes(#"{"e":"[EMAIL]"}"#),
            binaryArray(elementOID: OID.text, dimensions: [(1, 1)], elements: [bytes("[EMAIL]")]),
        ])
    }

    @Test func malformedRowsThrowAndLeaveOutputAlone() {
        let m = masker([ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect)])
        var good = dataRowBody([bytes("alice@example.com")])
        var cases: [ByteBuffer] = [
            dataRowBody([bytes("a"), bytes("b")]),                             // column count mismatch
            ByteBuffer(bytes: [0]),                                            // truncated count
            ByteBuffer(bytes: [0, 1, 0, 0, 0, 9, 0x61]),                       // truncated value
            ByteBuffer(bytes: [0, 1, 0, 0]),                                   // truncated length
            ByteBuffer(bytes: [0, 1, 0xFF, 0xFF, 0xFF, 0xFE]),                 // negative length
        ]
        good.writeInteger(UInt8(0))
        cases.append(good)                                                     // trailing byte
        for body in cases {
            var out = ByteBuffer(bytes: [1, 2, 3])
            #expect(throws: PostgresMaskingError.self) { try m.mask(body: body, into: &out) }
            #expect(out.readableBytes == 3)
        }
        let json = masker([ResultColumnMask(typeOID: OID.json, format: 0, mask: .detect)])
        var out = ByteBuffer()
        #expect(throws: PostgresMaskingError.self) {
            try json.mask(body: dataRowBody([bytes("alice@example.com")]), into: &out)
        }
    }

    @Test func unchangedColumnsKeepTheirExactBytes() throws {
        let m = masker([
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect),
            ResultColumnMask(typeOID: OID.json, format: 0, mask: .detect),
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .detect),
        ])
        let json = bytes(#"{ "a" : "\u00e9" ,"b":[1 ,2]}"#)
        var out = ByteBuffer()
        _ = try #require(try m.mask(body: dataRowBody([bytes("x"), json, bytes("alice@example.com")]), into: &out))
        #expect(dataRowValues(out)! == [bytes("x"), json, bytes("[EMAIL]")])
    }
}
