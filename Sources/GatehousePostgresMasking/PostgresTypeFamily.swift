/// What the masker knows about a PostgreSQL type, from its OID alone: enough to decide how a
/// value's bytes can be read (and rewritten) in text and binary format.
public enum PostgresTypeFamily: Sendable, Equatable {
    /// Character types whose text and binary forms are both the plain characters:
    /// text, varchar, bpchar, name, unknown (and OID 0, "no type information", as in COPY).
    /// `"char"` (18) is not: one byte holds no identifier and no replacement, so it is opaque.
    case textLike
    /// json: text and binary forms are both the JSON text.
    case json
    /// jsonb: text form is JSON text; binary form is a version byte (1) then JSON text.
    case jsonb
    /// xml: both forms are the document text. Detectors run over it; it cannot hold a
    /// classified replacement reliably (the client may parse it), so classified means NULL.
    case xml
    /// A built-in array type, with its element type's OID.
    case array(elementOID: UInt32)
    /// Any other built-in type (numbers, dates, network addresses, bytea, geometry...): its
    /// bytes follow a fixed grammar, so nothing inside is rewritten.
    case opaque
    /// A type whose layout the masker does not model but which may carry personal text: every
    /// user-defined type (OID >= 16384: domains, enums, composites, extension types such as
    /// citext), anonymous `record` and `record[]` (`SELECT ROW(...)`), tsvector and tsquery
    /// (lexemes are words of the source text). Detectors run over the text form; the binary
    /// form is left as is.
    case unknown

    /// OIDs below this are assigned by PostgreSQL itself (FirstNormalObjectId).
    public static let firstUserOID: UInt32 = 16384

    public init(oid: UInt32) {
        switch oid {
        case 0, 25, 1043, 1042, 19, 705: self = .textLike
        case 114: self = .json
        case 3802: self = .jsonb
        case 142: self = .xml
        case 2249, 2287, 3614, 3615: self = .unknown
        default:
            if let element = Self.arrayElements[oid] {
                self = .array(elementOID: element)
            } else {
                self = oid >= Self.firstUserOID ? .unknown : .opaque
            }
        }
    }

    /// Built-in array type OID → element type OID (pg_type.typarray, from pg_type.dat).
    /// Arrays of types whose elements are never rewritten are listed too, so that a classified
    /// `date[]` is recognised as an array (and becomes NULL) rather than guessed at.
    static let arrayElements: [UInt32: UInt32] = [
        // Elements that can be rewritten.
        1009: 25,     // text[]
        1015: 1043,   // varchar[]
        1014: 1042,   // bpchar[]
        1003: 19,     // name[]
        199: 114,     // json[]
        3807: 3802,   // jsonb[]
        143: 142,     // xml[]
        // Elements that are never rewritten (listed so the family reads as "array").
        1000: 16, 1001: 17, 1002: 18, 1016: 20, 1005: 21, 1006: 22, 1007: 23, 1008: 24,
        1028: 26, 1010: 27, 1011: 28, 1012: 29, 1013: 30, 271: 5069, 1017: 600, 1018: 601,
        1019: 602, 1020: 603, 1027: 604, 629: 628, 1021: 700, 1022: 701, 719: 718, 791: 790,
        1040: 829, 775: 774, 1041: 869, 651: 650, 1034: 1033, 1182: 1082, 1183: 1083,
        1115: 1114, 1185: 1184, 1187: 1186, 1270: 1266, 1561: 1560, 1563: 1562, 1231: 1700,
        2201: 1790, 2207: 2202, 2208: 2203, 2209: 2204, 2210: 2205, 2211: 2206, 4192: 4191,
        4090: 4089, 4097: 4096, 3735: 3734, 3770: 3769, 2951: 2950, 3644: 3642, 4073: 4072,
        3905: 3904, 3907: 3906, 3909: 3908, 3911: 3910, 3913: 3912, 3927: 3926, 6150: 4451,
        6151: 4532, 6152: 4533, 6153: 4534, 6155: 4535, 6157: 4536, 1263: 2275,
        // Arrays of types modelled as `.unknown` (their elements get the detectors in text).
        3643: 3614, 3645: 3615,
    ]
}
