import GatehouseMasking

/// Masks one PostgreSQL value by its type family, wire format (0 text, 1 binary) and the
/// column's `ColumnMask`. Pure; the rules:
///
/// - `.none`, SQL NULL and empty values: unchanged, no work.
/// - `.detect`: text-like values and xml go through the detectors; json and jsonb through
///   `JSONMasker`; arrays element by element; user-defined (unknown) types through the
///   detectors in text format and unchanged in binary format; other built-ins unchanged.
/// - `.classified(category)`: text-like values masked whole (`maskClassifiedValue`); json and
///   jsonb with every string and number inside masked by the category (still valid JSON);
///   arrays of those element by element; every other type becomes NULL, since no replacement is valid for it in
///   general (a classified date, integer or inet cannot become `[CONTACT]`).
/// - `.jsonFields(fields)`: json and jsonb through `JSONMasker(fields:)` (arrays of them
///   element by element); a text-like value is masked whole by the first field's category (the
///   detectors run when there is no field); anything else becomes NULL.
///
/// Malformed input (invalid JSON, a broken array, a jsonb binary version other than 1) throws
/// `PostgresMaskingError`.
public struct PostgresValueMasker: Sendable {
    public let engine: MaskingEngine

    public init(engine: MaskingEngine) {
        self.engine = engine
    }

    public func mask(_ value: UnsafeRawBufferPointer, typeOID: UInt32, format: Int16, mask: ColumnMask) throws -> ValueMaskResult {
        var hits = SubjectHitCollector()
        let masked = try self.mask(value, family: PostgresTypeFamily(oid: typeOID), binary: format != 0, mask: mask, hits: &hits)
        return ValueMaskResult(value: masked, hits: hits.hits)
    }

    public func mask(_ value: [UInt8], typeOID: UInt32, format: Int16, mask: ColumnMask) throws -> ValueMaskResult {
        try value.withUnsafeBytes { try self.mask($0, typeOID: typeOID, format: format, mask: mask) }
    }

    /// The row maskers' entry: the family is computed once per column, hits accumulate per row.
    func mask(
        _ value: UnsafeRawBufferPointer, family: PostgresTypeFamily, binary: Bool, mask: ColumnMask,
        hits: inout SubjectHitCollector
    ) throws -> MaskedValue {
        if case .none = mask { return .unchanged }
        if value.isEmpty { return .unchanged }
        switch family {
        case .array(let elementOID):
            return try maskArray(value, elementOID: elementOID, binary: binary, mask: mask, hits: &hits)
        default:
            return try maskScalar(value, family: family, binary: binary, mask: mask, hits: &hits)
        }
    }

    /// A value that is not an array (or an array element).
    private func maskScalar(
        _ value: UnsafeRawBufferPointer, family: PostgresTypeFamily, binary: Bool, mask: ColumnMask,
        hits: inout SubjectHitCollector
    ) throws -> MaskedValue {
        switch (mask, family) {
        case (.none, _):
            return .unchanged

        case (.detect, .textLike), (.detect, .xml):
            return replaced(engine.mask(value), &hits)
        case (.detect, .unknown):
            return binary ? .unchanged : replaced(engine.mask(value), &hits)
        case (.detect, .json), (.detect, .jsonb):
            return try maskJSON(value, family: family, binary: binary, fields: [], hits: &hits)
        case (.detect, _):
            return .unchanged

        case (.classified(let category), .textLike):
            return replaced(engine.maskClassifiedValue(value, category: category), &hits)
        case (.classified(let category), .json), (.classified(let category), .jsonb):
            return try maskJSON(value, family: family, binary: binary, classified: category, hits: &hits)
        case (.classified, _):
            return .null

        case (.jsonFields(let fields), .json), (.jsonFields(let fields), .jsonb):
            return try maskJSON(value, family: family, binary: binary, fields: fields, hits: &hits)
        case (.jsonFields(let fields), .textLike):
            guard let category = fields.first?.category else { return replaced(engine.mask(value), &hits) }
            return replaced(engine.maskClassifiedValue(value, category: category), &hits)
        case (.jsonFields, _):
            return .null
        }
    }

    private func maskArray(
        _ value: UnsafeRawBufferPointer, elementOID: UInt32, binary: Bool, mask: ColumnMask,
        hits: inout SubjectHitCollector
    ) throws -> MaskedValue {
        var elementFamily = PostgresTypeFamily(oid: elementOID)
        guard Self.elementsMayChange(elementFamily, binary: binary, mask: mask) else {
            // Nothing inside can be rewritten: forward, or NULL when the mask demands a change.
            if case .detect = mask { return .unchanged }
            return .null
        }
        var becameNull = false
        let output: [UInt8]?
        if binary {
            let array = try BinaryArrayRewriter(value)
            // Trust the element type the array declares over the one implied by its OID.
            if array.elementOID != elementOID {
                elementFamily = PostgresTypeFamily(oid: array.elementOID)
                if case .array = elementFamily { elementFamily = .unknown }
                guard Self.elementsMayChange(elementFamily, binary: binary, mask: mask) else {
                    if case .detect = mask { return .unchanged }
                    return .null
                }
            }
            output = try array.rewrite { element in
                try elementReplacement(element, family: elementFamily, binary: true, mask: mask, hits: &hits, becameNull: &becameNull)
            }
        } else {
            output = try ArrayLiteralRewriter.rewrite(value) { element in
                try elementReplacement(element, family: elementFamily, binary: false, mask: mask, hits: &hits, becameNull: &becameNull)
            }
        }
        if becameNull { return .null }
        return output.map(MaskedValue.replaced) ?? .unchanged
    }

    private func elementReplacement(
        _ element: UnsafeRawBufferPointer, family: PostgresTypeFamily, binary: Bool, mask: ColumnMask,
        hits: inout SubjectHitCollector, becameNull: inout Bool
    ) throws -> [UInt8]? {
        guard !element.isEmpty else { return nil }
        switch try maskScalar(element, family: family, binary: binary, mask: mask, hits: &hits) {
        case .unchanged: return nil
        case .replaced(let bytes): return bytes
        case .null:
            // Not reachable with `elementsMayChange` (it sends such arrays to NULL whole), kept
            // fail-closed: the whole array becomes NULL.
            becameNull = true
            return nil
        }
    }

    /// Whether masking an array's elements can produce a replacement. When false, `.detect`
    /// leaves the array as is and every other mask turns it into NULL.
    private static func elementsMayChange(_ family: PostgresTypeFamily, binary: Bool, mask: ColumnMask) -> Bool {
        switch (mask, family) {
        case (.none, _): return false
        case (.detect, .textLike), (.detect, .xml), (.detect, .json), (.detect, .jsonb): return true
        case (.detect, .unknown): return !binary
        case (.detect, _): return false
        case (.classified, .textLike), (.classified, .json), (.classified, .jsonb): return true
        case (.classified, _): return false
        case (.jsonFields, .textLike), (.jsonFields, .json), (.jsonFields, .jsonb): return true
        case (.jsonFields, _): return false
        }
    }

    /// json (both formats) is JSON text; jsonb binary is a version byte (1) then JSON text.
    /// With `classified`, every string and number in the document is masked by that category.
    private func maskJSON(
        _ value: UnsafeRawBufferPointer, family: PostgresTypeFamily, binary: Bool,
        fields: [JSONField] = [], classified: String? = nil, hits: inout SubjectHitCollector
    ) throws -> MaskedValue {
        var document = value
        if binary, case .jsonb = family {
            guard value[0] == 1 else { throw PostgresMaskingError(.jsonbBinary, "unsupported version \(value[0])") }
            document = UnsafeRawBufferPointer(rebasing: value[1...])
        }
        let result: MaskResult
        do {
            if let classified {
                result = try maskWholeDocument(document, category: classified)
            } else {
                result = try JSONMasker(engine: engine, fields: fields).mask(document)
            }
        } catch let error as MalformedInputError {
            throw PostgresMaskingError(.json, error.description)
        }
        hits.add(result.hits)
        guard let output = result.output else { return .unchanged }
        if document.count != value.count { return .replaced([1] + output) }
        return .replaced(output)
    }

    /// Every string and number of the document, whatever its shape (`$` is the root).
    private func maskWholeDocument(_ document: UnsafeRawBufferPointer, category: String) throws -> MaskResult {
        try JSONMasker(engine: engine, fields: [JSONField(path: Self.rootPath, category: category)]).mask(document)
    }

    // A valid path by construction; parsed once.
    // swiftlint:disable:next force_try
    private static let rootPath = try! JSONPath("$")

    private func replaced(_ result: MaskResult, _ hits: inout SubjectHitCollector) -> MaskedValue {
        guard let output = result.output else { return .unchanged }
        hits.add(result.hits)
        return .replaced(output)
    }
}
