/// A JSON value as the canonical form (RFC 8785, JCS, restricted to what ledger entries hold) sees it:
/// no floating-point numbers at all, and objects without order (the canonical encoding sorts
/// their keys, and the strict decoder refuses unsorted or repeated keys, so a dictionary loses
/// nothing).
public enum CanonicalJSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Within `CanonicalJSONValue.integerRange`.
    case integer(Int)
    case string(String)
    case array([CanonicalJSONValue])
    case object([String: CanonicalJSONValue])

    /// Integers an IEEE 754 double holds exactly (I-JSON, RFC 7493 2.2). JCS serialises numbers as
    /// ECMAScript does; within this range that is the plain decimal integer, so our bytes are exactly
    /// JCS and a JavaScript or Python verifier reads the same values we wrote.
    public static let integerRange: ClosedRange<Int> = -9_007_199_254_740_991...9_007_199_254_740_991
}
