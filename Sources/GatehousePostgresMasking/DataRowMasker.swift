import GatehouseMasking
import NIOCore

/// Masks the values of DataRow messages by their columns' masks. Built once per result
/// description, used for every row.
///
/// A DataRow body is int16 column count, then per column int32 length (-1 for NULL) and that
/// many bytes. Masking is lazy: nothing is written while no value changes, so a row with
/// nothing to mask costs a scan and no copy, and the caller forwards the original message.
public struct DataRowMasker: Sendable {
    public let columns: [ResultColumnMask]
    /// False when every column is `.none` and none is a subject key: the caller need not call
    /// `mask` at all (it would return nil without reading the row).
    public let needsWork: Bool
    private let values: PostgresValueMasker
    private let families: [PostgresTypeFamily]

    public init(engine: MaskingEngine, columns: [ResultColumnMask]) {
        self.columns = columns
        self.values = PostgresValueMasker(engine: engine)
        self.families = columns.map { PostgresTypeFamily(oid: $0.typeOID) }
        self.needsWork = columns.contains(where: \.needsWork)
    }

    /// Appends the masked DataRow *body* to `output` and returns what was masked; returns nil,
    /// writing nothing, when no value changed and no subject key was seen. When a key was seen
    /// but no value changed, the stats have `valuesMasked` 0 and nothing was written: forward
    /// the original message and keep the hits.
    ///
    /// Throws `PostgresMaskingError` when the column count differs from the description, the
    /// body is truncated or has trailing bytes, or a value is malformed; `output` is then left
    /// as it was.
    public func mask(body: ByteBuffer, into output: inout ByteBuffer) throws -> DataRowMaskStats? {
        guard needsWork else { return nil }
        let start = output.writerIndex
        do {
            return try body.withUnsafeReadableBytes { try mask(row: $0, into: &output) }
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Like `mask(body:into:)`, but appends a complete DataRow message: type byte `D`, int32
    /// length (itself included), then the masked body.
    public func maskMessage(body: ByteBuffer, into output: inout ByteBuffer) throws -> DataRowMaskStats? {
        guard needsWork else { return nil }
        let start = output.writerIndex
        output.writeInteger(UInt8(ascii: "D"))
        let lengthIndex = output.writerIndex
        output.writeInteger(Int32(0))
        let stats: DataRowMaskStats?
        do {
            stats = try mask(body: body, into: &output)
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
        guard let stats, stats.valuesMasked > 0 else {
            output.moveWriterIndex(to: start)
            return stats
        }
        output.setInteger(Int32(output.writerIndex - lengthIndex), at: lengthIndex)
        return stats
    }

    private func mask(row: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws -> DataRowMaskStats? {
        guard row.count >= 2 else { throw PostgresMaskingError(.dataRow, "truncated column count") }
        let count = Int(UInt16(bigEndian: row.loadUnaligned(as: UInt16.self)))
        guard count == columns.count else {
            throw PostgresMaskingError(.dataRow, "\(count) columns where the description has \(columns.count)")
        }
        var hits = SubjectHitCollector()
        var masked = 0
        var copied = 0      // row bytes before this offset are in `output` (or replaced)
        var i = 2
        for column in 0..<count {
            guard row.count - i >= 4 else { throw PostgresMaskingError(.dataRow, "truncated length of column \(column + 1)") }
            let lengthOffset = i
            let length = Int(BinaryArrayRewriter.int32(row, at: i))
            i += 4
            if length == -1 { continue }
            guard length >= 0, row.count - i >= length else {
                throw PostgresMaskingError(.dataRow, "truncated value of column \(column + 1)")
            }
            let value = UnsafeRawBufferPointer(rebasing: row[i..<(i + length)])
            i += length
            let plan = columns[column]
            if plan.subjectKeyOf != nil {
                SubjectKeyValue.index(value, column: plan, binary: plan.format != 0, engine: values.engine, hits: &hits)
            }
            if case .none = plan.mask { continue }
            let result = try values.mask(value, family: families[column], binary: plan.format != 0, mask: plan.mask, hits: &hits)
            if case .unchanged = result { continue }
            masked += 1
            output.writeBytes(UnsafeRawBufferPointer(rebasing: row[copied..<lengthOffset]))
            switch result {
            case .unchanged: break
            case .null:
                output.writeInteger(Int32(-1))
            case .replaced(let bytes):
                output.writeInteger(Int32(bytes.count))
                output.writeBytes(bytes)
            }
            copied = i
        }
        guard i == row.count else { throw PostgresMaskingError(.dataRow, "unexpected bytes after the last column") }
        guard masked > 0 else { return hits.hits.isEmpty ? nil : DataRowMaskStats(valuesMasked: 0, hits: hits.hits) }
        output.writeBytes(UnsafeRawBufferPointer(rebasing: row[copied...]))
        return DataRowMaskStats(valuesMasked: masked, hits: hits.hits)
    }
}

/// What masking changed in one row (or one COPY row).
public struct DataRowMaskStats: Sendable, Equatable {
    /// Values replaced or turned into NULL.
    public var valuesMasked: Int
    /// Distinct subjects masked or indexed (subject keys), in order of first appearance.
    public var hits: [SubjectHit]

    public init(valuesMasked: Int, hits: [SubjectHit]) {
        self.valuesMasked = valuesMasked
        self.hits = hits
    }
}
