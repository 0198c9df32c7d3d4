/// Masks personal identifiers inside a JSON document (UTF-8 bytes).
///
/// - Values at configured field paths are masked whole by their category
///   (`MaskingEngine.maskClassifiedValue`); a path naming an object or array masks every string
///   and number inside it. The first matching field wins.
/// - Every other string value goes through the detectors (`MaskingEngine.mask`), after escapes
///   (`\u00e9`, surrogate pairs) are decoded.
/// - Numbers are scanned too, so a card number stored as a JSON number is caught. A number is
///   replaced by a JSON *string* only when it is masked (no masked value is a valid number
///   shape); unmasked numbers are untouched. `true`, `false` and `null` carry no identifier and
///   are never changed, even at a configured path.
/// - Keys are never masked.
///
/// Formatting is preserved byte for byte: only masked values are rewritten (as freshly escaped
/// JSON strings); whitespace, key order, escapes in untouched strings and number spellings stay
/// as they were. The whole input is validated (RFC 8259, well-formed UTF-8, no lone surrogate
/// escapes, nesting at most `maxDepth`); anything invalid throws `MalformedInputError` and no output
/// is produced, so callers fail closed.
public struct JSONMasker: Sendable {
    public static let maxDepth = 512

    public private(set) var engine: MaskingEngine
    public let fields: [JSONField]
    let fieldTable: JSONFieldTable
    /// The result keeps the hits of the first this many subjects (and counts all of them): a
    /// caller that records a bounded number need not hold a million digests for a large document.
    public var subjectLimit = Int.max
    /// How many cores may mask one document at once. A document of at least
    /// `parallelMinimumBytes` that is one array is cut into that many runs of whole elements,
    /// masked side by side and joined: the output, hits and errors are those of one pass.
    public var parallelism = 1
    public static let parallelMinimumBytes = 1 << 20

    public init(engine: MaskingEngine, fields: [JSONField] = []) {
        self.engine = engine
        self.fields = fields
        fieldTable = JSONFieldTable(fields)
    }

    /// Fields as path → category, e.g. `["$.customer.email": "contact"]` (order of a dictionary
    /// is unspecified: use `[JSONField]` when paths overlap). Throws `JSONPathError`.
    public init(engine: MaskingEngine, fieldCategories: [String: String]) throws {
        let fields = try fieldCategories.sorted { $0.key < $1.key }.map { try JSONField(path: $0.key, category: $0.value) }
        self.init(engine: engine, fields: fields)
    }

    /// Returns nil output when nothing was masked (forward the input as is).
    public func mask(_ json: UnsafeRawBufferPointer) throws -> MaskResult {
        if let result = maskSideBySide(json) { return result }
        var hits = SubjectHitCollector(limit: subjectLimit)
        let output = try mask(json, collecting: &hits)
        return MaskResult(output: output, hits: hits.hits, distinctSubjects: hits.distinctCount)
    }

    /// The document cut into runs of array elements masked side by side, or nil when it is not
    /// cut (one core, too small, not an array) or a run is not valid.
    func maskSideBySide(_ json: UnsafeRawBufferPointer) -> MaskResult? {
        guard parallelism > 1, json.count >= Self.parallelMinimumBytes,
              let runs = JSONArraySplitter.runs(in: json, parts: parallelism) else { return nil }
        return ParallelRuns.mask(json, runs: runs.map(\.range), subjectLimit: subjectLimit) { k, run, hits in
            try unsharedHashes().mask(run, collecting: &hits) { try $0.runElements(firstIndex: runs[k].firstIndex) }
        }
    }

    /// For many documents whose hits are gathered together (NDJSON lines): returns the masked
    /// document or nil, and adds its hits to `hits` (whose limit applies, not `subjectLimit`).
    public func mask(_ json: UnsafeRawBufferPointer, collecting hits: inout SubjectHitCollector) throws -> [UInt8]? {
        try mask(json, collecting: &hits) { try $0.run() }
    }

    /// One pass over `json` reading it with `read` (a document, or a run of array elements).
    private func mask(_ json: UnsafeRawBufferPointer, collecting hits: inout SubjectHitCollector,
                      read: (inout JSONMaskingPass) throws -> Void) throws -> [UInt8]? {
        var pass = JSONMaskingPass(input: json, masker: self, hits: hits)
        hits = SubjectHitCollector()   // the pass holds the only copy: no copy-on-write of the set
        defer { hits = pass.hits }
        try read(&pass)
        return pass.finishedOutput()
    }

    /// This masker with an engine of its own (`MaskingEngine.unsharedHashes`), for one run of
    /// several masked side by side.
    public func unsharedHashes() -> JSONMasker {
        var copy = self
        copy.engine = engine.unsharedHashes()
        return copy
    }

    public func mask(_ json: [UInt8]) throws -> MaskResult {
        try json.withUnsafeBytes { try mask($0) }
    }

}

/// A field path masked whole by `category` (contact, national-id, financial, name, ...).
public struct JSONField: Sendable, Hashable {
    public var path: JSONPath
    public var category: String

    public init(path: JSONPath, category: String) {
        self.path = path
        self.category = category
    }

    public init(path: String, category: String) throws {
        self.init(path: try JSONPath(path), category: category)
    }
}
