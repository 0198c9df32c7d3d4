import GatehouseCore
import GatehouseMasking
import NIOCore

/// Masks the fields of one COPY OUT data row (PostgreSQL sends each row of a text or csv COPY
/// as one CopyData message, its line ending included). COPY carries no type information:
/// every field is in text format, and a column whose type OID is 0 is treated as text-like.
///
/// Text format: fields split by the delimiter (tab), `\N` (or the configured marker) is NULL,
/// backslash escapes decoded before masking and re-applied to masked values.
/// CSV format: fields split by the delimiter (comma) outside quotes; an unquoted field equal to
/// the NULL marker (empty by default) is NULL, a quoted empty field is an empty string; quoted
/// fields may hold delimiters and line breaks.
///
/// Fields that are not masked keep their exact bytes. A masked value that becomes NULL is
/// written as the NULL marker. The header row (csv `HEADER`) is passed through: the caller
/// says which row it is (`isHeader`), since only it sees the stream. Binary COPY is refused at
/// construction: its rows cannot be masked.
public struct CopyRowMasker: Sendable {
    public let options: CopyOptions
    public let columns: [ResultColumnMask]
    /// False when every column is `.none` and none is a subject key: `mask` would return nil
    /// without reading the row.
    public let needsWork: Bool
    private let values: PostgresValueMasker
    private let families: [PostgresTypeFamily]
    private let csv: Bool
    private let delimiter: UInt8
    private let quote: UInt8
    private let escape: UInt8
    private let null: [UInt8]

    /// Throws for binary format and for a delimiter, quote or escape that is not one byte.
    public init(engine: MaskingEngine, options: CopyOptions, columns: [ResultColumnMask]) throws {
        guard options.format != .binary else {
            throw PostgresMaskingError(.copyOptions, "binary COPY rows cannot be masked")
        }
        self.options = options
        self.columns = columns
        self.values = PostgresValueMasker(engine: engine)
        self.families = columns.map { PostgresTypeFamily(oid: $0.typeOID) }
        self.needsWork = columns.contains(where: \.needsWork)
        csv = options.format == .csv
        func byte(_ text: String?, _ fallback: UInt8, _ name: String) throws -> UInt8 {
            guard let text else { return fallback }
            guard text.utf8.count == 1, let b = text.utf8.first else {
                throw PostgresMaskingError(.copyOptions, "\(name) must be a single one-byte character")
            }
            return b
        }
        delimiter = try byte(options.delimiter, csv ? UInt8(ascii: ",") : UInt8(ascii: "\t"), "delimiter")
        quote = try byte(options.quote, UInt8(ascii: "\""), "quote")
        escape = try byte(options.escape, quote, "escape")
        null = Array((options.null ?? (csv ? "" : "\\N")).utf8)
    }

    /// Columns without type information: all text-like.
    public init(engine: MaskingEngine, options: CopyOptions, masks: [ColumnMask]) throws {
        try self.init(engine: engine, options: options,
                      columns: masks.map { ResultColumnMask(typeOID: 0, format: 0, mask: $0) })
    }

    /// Appends the masked row (the CopyData *body*) to `output` and returns what was masked;
    /// returns nil, writing nothing, when no field changed and no subject key was seen, or
    /// `isHeader` (forward the original message). As for `DataRowMasker`, stats with
    /// `valuesMasked` 0 mean nothing was written but subject keys were seen. Throws `PostgresMaskingError` on a malformed row or a field count that differs
    /// from the columns; `output` is then left as it was.
    public func mask(row: ByteBuffer, isHeader: Bool = false, into output: inout ByteBuffer) throws -> DataRowMaskStats? {
        guard needsWork, !isHeader else { return nil }
        return try row.withUnsafeReadableBytes { try mask(row: $0, isHeader: isHeader, into: &output) }
    }

    public func mask(row: UnsafeRawBufferPointer, isHeader: Bool = false, into output: inout ByteBuffer) throws -> DataRowMaskStats? {
        guard needsWork, !isHeader else { return nil }
        let start = output.writerIndex
        do {
            return try maskRow(row, into: &output)
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
    }

    private func maskRow(_ row: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws -> DataRowMaskStats? {
        var hits = SubjectHitCollector()
        var masked = 0
        var copied = 0
        var column = 0
        var scratch: [UInt8] = []
        var encoded: [UInt8] = []
        var fieldStart = 0
        var i = 0
        var inQuotes = false
        var sawQuote = false
        var sawBackslash = false
        var end = row.count

        func finishField(_ fieldEnd: Int) throws {
            defer {
                column += 1
                sawQuote = false
                sawBackslash = false
            }
            guard column < columns.count else {
                throw PostgresMaskingError(.copyRow, "more fields than the \(columns.count) columns")
            }
            let plan = columns[column]
            guard plan.needsWork else { return }
            let raw = UnsafeRawBufferPointer(rebasing: row[fieldStart..<fieldEnd])
            if !sawQuote && raw.elementsEqual(null) { return }   // NULL stays NULL
            let decoded = sawQuote || sawBackslash
            if decoded {
                scratch.removeAll(keepingCapacity: true)
                if csv {
                    CopyCSVCodec.decode(raw, quote: quote, escape: escape, into: &scratch)
                } else {
                    try CopyTextCodec.decode(raw, into: &scratch)
                }
            }
            func field<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
                decoded ? try scratch.withUnsafeBytes(body) : try body(raw)
            }
            if plan.subjectKeyOf != nil {
                field { SubjectKeyValue.index($0, column: plan, binary: false, engine: values.engine, hits: &hits) }
            }
            if case .none = plan.mask { return }
            let result = try field {
                try values.mask($0, family: families[column], binary: false, mask: plan.mask, hits: &hits)
            }
            encoded.removeAll(keepingCapacity: true)
            switch result {
            case .unchanged: return
            case .null: encoded += null
            case .replaced(let value):
                if csv {
                    CopyCSVCodec.appendEncoded(value, forceQuotes: sawQuote, delimiter: delimiter, quote: quote,
                                               escape: escape, null: null, to: &encoded)
                } else {
                    CopyTextCodec.appendEncoded(value, delimiter: delimiter, to: &encoded)
                }
            }
            masked += 1
            output.writeBytes(UnsafeRawBufferPointer(rebasing: row[copied..<fieldStart]))
            output.writeBytes(encoded)
            copied = fieldEnd
        }

        while i < end {
            let c = row[i]
            if csv && inQuotes {
                if c == escape && i + 1 < end && (row[i + 1] == quote || row[i + 1] == escape) {
                    i += 2
                } else {
                    if c == quote { inQuotes = false }
                    i += 1
                }
                continue
            }
            if !csv && c == UInt8(ascii: "\\") {
                sawBackslash = true
                i += 2
                continue
            }
            if csv && c == quote {
                inQuotes = true
                sawQuote = true
                i += 1
                continue
            }
            if c == delimiter {
                try finishField(i)
                i += 1
                fieldStart = i
                continue
            }
            if c == 0x0A {
                guard i == row.count - 1 else { throw PostgresMaskingError(.copyRow, "line break inside a row at byte \(i)") }
                end = i
                break
            }
            i += 1
        }
        guard !inQuotes else { throw PostgresMaskingError(.copyRow, "unterminated quoted field") }
        guard i <= end else { throw PostgresMaskingError(.copyRow, "backslash at the end of the row") }
        try finishField(end)
        guard column == columns.count else {
            throw PostgresMaskingError(.copyRow, "\(column) fields where the COPY has \(columns.count) columns")
        }
        guard masked > 0 else { return hits.hits.isEmpty ? nil : DataRowMaskStats(valuesMasked: 0, hits: hits.hits) }
        output.writeBytes(UnsafeRawBufferPointer(rebasing: row[copied...]))
        return DataRowMaskStats(valuesMasked: masked, hits: hits.hits)
    }
}
