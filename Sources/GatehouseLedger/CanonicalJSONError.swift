/// Why bytes were refused as canonical JSON, or a value could not be written canonically.
/// Offsets count bytes from 0. No case quotes the input: it may hold sealed or personal data.
public enum CanonicalJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended inside a value (or was empty).
    case unexpectedEnd
    /// A byte that cannot start or continue a value here: whitespace, a stray comma, a bad literal...
    case unexpectedByte(offset: Int)
    /// Bytes after the single top-level value.
    case trailingBytes(offset: Int)
    /// An object key that does not sort after the previous key by UTF-16 code units.
    case keysOutOfOrder(offset: Int)
    case duplicateKey(offset: Int)
    /// An escape that canonical JSON writes otherwise (`\/`, `\u0041`, `\u000a`, upper-case hex, surrogate escapes).
    case nonCanonicalEscape(offset: Int)
    /// A raw control character (below U+0020) inside a string: it must be escaped.
    case controlCharacterInString(offset: Int)
    case invalidUTF8(offset: Int)
    /// A fraction or exponent: canonical ledger JSON holds integers only.
    case notAnInteger(offset: Int)
    /// A leading zero, or `-0`.
    case nonCanonicalInteger(offset: Int)
    /// Outside `CanonicalJSONValue.integerRange`; `offset` is nil when writing.
    case integerOutOfRange(offset: Int?)
    case nestedTooDeeply(offset: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd: return "The JSON ends before its value is complete."
        case .unexpectedByte(let offset): return "Unexpected byte at offset \(offset) (canonical JSON has no whitespace)."
        case .trailingBytes(let offset): return "Bytes follow the JSON value at offset \(offset)."
        case .keysOutOfOrder(let offset): return "The object key at offset \(offset) is not in sorted order (UTF-16 code units)."
        case .duplicateKey(let offset): return "The object key at offset \(offset) repeats the previous key."
        case .nonCanonicalEscape(let offset): return "The escape at offset \(offset) is not the canonical way to write that character."
        case .controlCharacterInString(let offset): return "An unescaped control character is in a string at offset \(offset)."
        case .invalidUTF8(let offset): return "Invalid UTF-8 at offset \(offset)."
        case .notAnInteger(let offset): return "The number at offset \(offset) has a fraction or exponent; only integers are allowed."
        case .nonCanonicalInteger(let offset): return "The integer at offset \(offset) has a leading zero or is -0."
        case .integerOutOfRange(let offset?): return "The integer at offset \(offset) is outside ±(2^53-1)."
        case .integerOutOfRange(nil): return "An integer outside ±(2^53-1) cannot be written as canonical JSON."
        case .nestedTooDeeply(let offset): return "The JSON nests too deeply at offset \(offset)."
        }
    }
}
