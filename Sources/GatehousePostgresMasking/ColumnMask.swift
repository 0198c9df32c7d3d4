import GatehouseMasking

/// How one column of a result (a DataRow field, a COPY field) is masked. Decided once per
/// result description by the planner; applied to every value of the column.
public enum ColumnMask: Sendable, Equatable {
    /// Forwarded byte for byte: not text, and not personal data by classification.
    case none
    /// The detectors run over the value's content (text, inside JSON, array elements).
    case detect
    /// Personal data by classification (or derived from it): masked whatever its content, with
    /// the category's strategy. Values of types that cannot hold a replacement become NULL.
    case classified(category: String)
    /// A JSON document built from whole rows of classified tables (`row_to_json(c)`): these field
    /// paths are masked by category, the detectors run on every other string.
    case jsonFields([JSONField])
}

/// One column of a result as the client will decode it.
public struct ResultColumnMask: Sendable, Equatable {
    /// PostgreSQL type OID from RowDescription.
    public var typeOID: UInt32
    /// 0 text, 1 binary.
    public var format: Int16
    public var mask: ColumnMask
    /// Set when the column is a data-subject key as it is stored (`subject_key`): the relation
    /// (`public.customers`) whose subjects its values identify. Each value is indexed as a
    /// subject of the response, whatever `mask` does with it.
    public var subjectKeyOf: String?

    public init(typeOID: UInt32, format: Int16, mask: ColumnMask, subjectKeyOf: String? = nil) {
        self.typeOID = typeOID
        self.format = format
        self.mask = mask
        self.subjectKeyOf = subjectKeyOf
    }

    /// Whether a value of the column needs any work: masking, or indexing as a subject key.
    var needsWork: Bool { mask != .none || subjectKeyOf != nil }
}
