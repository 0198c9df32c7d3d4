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

    public let engine: MaskingEngine
    public let fields: [JSONField]

    public init(engine: MaskingEngine, fields: [JSONField] = []) {
        self.engine = engine
        self.fields = fields
    }

    /// Fields as path → category, e.g. `["$.customer.email": "contact"]` (order of a dictionary
    /// is unspecified: use `[JSONField]` when paths overlap). Throws `JSONPathError`.
    public init(engine: MaskingEngine, fieldCategories: [String: String]) throws {
        let fields = try fieldCategories.sorted { $0.key < $1.key }.map { try JSONField(path: $0.key, category: $0.value) }
        self.init(engine: engine, fields: fields)
    }

    /// Returns nil output when nothing was masked (forward the input as is).
    public func mask(_ json: UnsafeRawBufferPointer) throws -> MaskResult {
        var pass = JSONMaskingPass(input: json, masker: self)
        try pass.run()
        return MaskResult(output: pass.finishedOutput(), hits: pass.hits.hits)
    }

    public func mask(_ json: [UInt8]) throws -> MaskResult {
        try json.withUnsafeBytes { try mask($0) }
    }

    /// The category of the first field naming `location`.
    func category(at location: [JSONLocation]) -> String? {
        fields.first { $0.path.matches(location) }?.category
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
