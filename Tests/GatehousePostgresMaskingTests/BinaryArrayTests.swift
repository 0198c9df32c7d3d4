import GatehouseMasking
import Testing
@testable import GatehousePostgresMasking

/// Arrays in binary format, laid out as array_send writes them.
@Suite struct BinaryArrayTests {
    func mask(_ value: [UInt8], oid: UInt32, _ mask: ColumnMask) throws -> MaskedValue {
        try valueMasker.mask(value, typeOID: oid, format: 1, mask: mask).value
    }

    @Test func elementsAreMaskedAndLengthsRecomputed() throws {
        let input = binaryArray(elementOID: OID.text, dimensions: [(3, 1)],
                                elements: [bytes("alice@example.com"), nil, bytes("plain")])
        let expected = binaryArray(elementOID: OID.text, dimensions: [(3, 1)],
                                   elements: [bytes("[EMAIL]"), nil, bytes("plain")])
        #expect(try mask(input, oid: OID.textArray, .detect) == .replaced(expected))
    }

    @Test func cleanArrayIsUnchanged() throws {
        let input = binaryArray(elementOID: OID.text, dimensions: [(2, 1)], elements: [bytes("a"), bytes("b")])
        #expect(try mask(input, oid: OID.textArray, .detect) == .unchanged)
    }

    @Test func roundTripKeepsHeaderBoundsAndMultipleDimensions() throws {
        let input = binaryArray(elementOID: OID.varchar, dimensions: [(2, 0), (2, 5)],
                                elements: [bytes("Jane"), bytes(""), nil, bytes("Bob")])
        let expected = binaryArray(elementOID: OID.varchar, dimensions: [(2, 0), (2, 5)],
                                   elements: [bytes("[NAME]"), bytes(""), nil, bytes("[NAME]")])
        #expect(try mask(input, oid: OID.varcharArray, .classified(category: "name")) == .replaced(expected))
    }

    @Test func emptyArray() throws {
        let input = binaryArray(elementOID: OID.text, dimensions: [], elements: [])
        #expect(input.count == 12)
        #expect(try mask(input, oid: OID.textArray, .classified(category: "name")) == .unchanged)
    }

    @Test func jsonbElementsKeepTheirVersionByte() throws {
        let input = binaryArray(elementOID: OID.jsonb, dimensions: [(1, 1)], elements: [[1] + bytes(#"{"e":"alice@example.com"}"#)])
        let expected = binaryArray(elementOID: OID.jsonb, dimensions: [(1, 1)], elements: [[1] + bytes(#"{"e":"[EMAIL]"}"#)])
        #expect(try mask(input, oid: OID.jsonbArray, .detect) == .replaced(expected))
    }

    @Test func arraysOfOpaqueElements() throws {
        var date: [UInt8] = []
        date.int32(-7000)
        let input = binaryArray(elementOID: OID.date, dimensions: [(1, 1)], elements: [date])
        #expect(try mask(input, oid: OID.dateArray, .detect) == .unchanged)
        #expect(try mask(input, oid: OID.dateArray, .classified(category: "birth-date")) == .null)
    }

    @Test func truncatedOrInconsistentArraysThrow() {
        let good = binaryArray(elementOID: OID.text, dimensions: [(2, 1)], elements: [bytes("alice@example.com"), bytes("b")])
        var cases: [[UInt8]] = [
            Array(good.prefix(8)),                 // header cut
            Array(good.prefix(16)),                // dimensions cut
            Array(good.dropLast()),                // last element cut
            good + [0],                            // trailing byte
        ]
        var tooManyDims = good
        tooManyDims[3] = 7
        cases.append(tooManyDims)
        var badFlags = good
        badFlags[7] = 2
        cases.append(badFlags)
        var hugeCount = good
        hugeCount[12] = 0x7F
        cases.append(hugeCount)
        for value in cases {
            #expect(throws: PostgresMaskingError.self) {
                try valueMasker.mask(value, typeOID: OID.textArray, format: 1, mask: .detect)
            }
        }
    }
}
