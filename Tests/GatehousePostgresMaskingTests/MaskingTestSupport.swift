import Crypto
import GatehouseMasking
import NIOCore
@testable import GatehousePostgresMasking

/// A redacting engine with every built-in detector and fixed keys.
let testEngine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .redact,
                               pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                               subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))

let pseudonymEngine = MaskingEngine(detectors: DetectorSet(), defaultStrategy: .pseudonym,
                                    pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                                    subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))

let valueMasker = PostgresValueMasker(engine: testEngine)

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// The masked value as text, the original when unchanged, "NULL" for SQL NULL.
func maskedText(_ value: String, oid: UInt32, format: Int16 = 0, _ mask: ColumnMask) throws -> String {
    try maskedText(bytes(value), oid: oid, format: format, mask)
}

func maskedText(_ value: [UInt8], oid: UInt32, format: Int16 = 0, _ mask: ColumnMask) throws -> String {
    switch try valueMasker.mask(value, typeOID: oid, format: format, mask: mask).value {
    case .unchanged: return text(value)
    case .replaced(let output): return text(output)
    case .null: return "NULL"
    }
}

/// Big-endian layouts as PostgreSQL writes them.
extension Array where Element == UInt8 {
    mutating func int32(_ value: Int32) {
        let v = UInt32(bitPattern: value)
        append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)])
    }
}

/// array_send's layout: ndim, has-null flag, element OID, (size, lower bound) per dimension,
/// then length + bytes per element (-1 for NULL).
func binaryArray(elementOID: UInt32, dimensions: [(size: Int32, lower: Int32)], elements: [[UInt8]?]) -> [UInt8] {
    var out: [UInt8] = []
    out.int32(Int32(dimensions.count))
    out.int32(elements.contains { $0 == nil } ? 1 : 0)
    out.int32(Int32(bitPattern: elementOID))
    for d in dimensions {
        out.int32(d.size)
        out.int32(d.lower)
    }
    for element in elements {
        if let element {
            out.int32(Int32(element.count))
            out += element
        } else {
            out.int32(-1)
        }
    }
    return out
}

/// A DataRow body: int16 column count, then int32 length (-1 NULL) + bytes per column.
func dataRowBody(_ values: [[UInt8]?]) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(Int16(values.count))
    for value in values {
        if let value {
            buffer.writeInteger(Int32(value.count))
            buffer.writeBytes(value)
        } else {
            buffer.writeInteger(Int32(-1))
        }
    }
    return buffer
}

/// Reads a DataRow body back into its values.
func dataRowValues(_ body: ByteBuffer) -> [[UInt8]?]? {
    var body = body
    guard let count: Int16 = body.readInteger() else { return nil }
    var values: [[UInt8]?] = []
    for _ in 0..<Int(count) {
        guard let length: Int32 = body.readInteger() else { return nil }
        if length == -1 { values.append(nil); continue }
        guard let value = body.readBytes(length: Int(length)) else { return nil }
        values.append(value)
    }
    return body.readableBytes == 0 ? values : nil
}

enum OID {
    static let text: UInt32 = 25, varchar: UInt32 = 1043, bpchar: UInt32 = 1042, name: UInt32 = 19, unknown: UInt32 = 705
    static let json: UInt32 = 114, jsonb: UInt32 = 3802, xml: UInt32 = 142
    static let int4: UInt32 = 23, date: UInt32 = 1082, numeric: UInt32 = 1700, inet: UInt32 = 869, char: UInt32 = 18
    static let record: UInt32 = 2249
    static let textArray: UInt32 = 1009, varcharArray: UInt32 = 1015, jsonArray: UInt32 = 199, jsonbArray: UInt32 = 3807
    static let int4Array: UInt32 = 1007, dateArray: UInt32 = 1182
    static let userType: UInt32 = 16_500
}
