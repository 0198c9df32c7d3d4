/// Masks personal identifiers in RFC 4180 CSV (UTF-8 bytes).
///
/// - Columns named in `columnCategories` (by header name) or `indexCategories` (0-based, the
///   only way in no-header mode) are masked whole by category (`maskClassifiedValue`); the
///   detectors run on every other cell. Header cells are never masked. A configured name absent
///   from the header is simply not applied (the file may lack an optional column).
/// - Everything but masked cells is copied byte for byte: delimiters, CRLF/LF line endings,
///   quoting. A quoted cell stays quoted; an unquoted masked value that now holds the delimiter,
///   a quote or a line break is quoted, with quotes doubled.
/// - Quoted cells may contain delimiters, doubled quotes and line breaks.
/// - Malformed input (a quote inside an unquoted cell, text after a closing quote, an
///   unterminated quoted cell) throws `MalformedInputError`: no partial output, callers fail closed.
public struct CSVMasker: Sendable {
    public let engine: MaskingEngine
    public let options: CSVMaskingOptions
    /// As `JSONMasker.subjectLimit`.
    public var subjectLimit = Int.max

    public init(engine: MaskingEngine, options: CSVMaskingOptions = CSVMaskingOptions()) {
        self.engine = engine
        self.options = options
    }

    /// Returns nil output when nothing was masked (forward the input as is).
    public func mask(_ csv: UnsafeRawBufferPointer) throws -> MaskResult {
        var pass = CSVMaskingPass(input: csv, masker: self)
        try pass.run()
        return MaskResult(output: pass.finishedOutput(), hits: pass.hits.hits, distinctSubjects: pass.hits.distinctCount)
    }

    public func mask(_ csv: [UInt8]) throws -> MaskResult {
        try csv.withUnsafeBytes { try mask($0) }
    }
}

public struct CSVMaskingOptions: Sendable {
    /// Field separator: `,` by default, `\t` for TSV. Must not be a quote, CR or LF.
    public var delimiter: UInt8
    /// When true the first record names the columns and is never masked.
    public var hasHeader: Bool
    /// Header name (exact, after unquoting) → classification category.
    public var columnCategories: [String: String]
    /// 0-based column index → category; applies with or without a header (names win).
    public var indexCategories: [Int: String]

    public init(delimiter: UInt8 = UInt8(ascii: ","), hasHeader: Bool = true,
                columnCategories: [String: String] = [:], indexCategories: [Int: String] = [:]) {
        precondition(delimiter != 0x22 && delimiter != 0x0D && delimiter != 0x0A, "invalid CSV delimiter")
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.columnCategories = columnCategories
        self.indexCategories = indexCategories
    }
}
