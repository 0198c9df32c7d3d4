/// Why an event could not become an entry, or entry bytes were refused or could not be opened.
/// Field paths are dotted (`payload.analysis.kind`, `sealed.text`); no case quotes a value.
public enum LedgerEntryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes (or the opened sealed fields) are not canonical JSON.
    case notCanonicalJSON(CanonicalJSONError)
    /// `v` is not a format version this code reads.
    case unsupportedVersion(Int)
    case missingField(String)
    /// A field format v1 does not define for this place and kind (or an optional written as `null`).
    case unexpectedField(String)
    case wrongType(String)
    /// The right type but not a value the format allows (e.g. a time not in canonical form, an
    /// unknown statement kind, a nonce that is not 12 bytes, `analysisText` equal to `text`).
    case invalidValue(String)
    /// The event's time is outside the years 0000 to 9999.
    case timeOutOfRange
    /// An integer in the event is outside ±(2^53-1), which canonical JSON cannot carry exactly.
    case integerOutOfRange
    /// AES-GCM refused to seal (does not happen with a 256-bit key and a 12-byte nonce).
    case sealingFailed
    /// The data key given is not the one the entry names in `sealed.key`.
    case dataKeyMismatch(entryKeyID: String, givenKeyID: String)
    /// The sealed fields failed authentication: the key has the right ID but other bytes, the box
    /// or the entry was altered, or the box was moved from another entry.
    case sealedFieldsRejected

    public var description: String {
        switch self {
        case .notCanonicalJSON(let error): return "The entry is not canonical JSON: \(error)"
        case .unsupportedVersion(let version): return "Entry format version \(version) is not supported (this reads version 1)."
        case .missingField(let path): return "The entry lacks the field '\(path)'."
        case .unexpectedField(let path): return "The entry has the field '\(path)', which format v1 does not allow there."
        case .wrongType(let path): return "The entry's field '\(path)' has the wrong JSON type."
        case .invalidValue(let path): return "The entry's field '\(path)' has a value format v1 does not allow."
        case .timeOutOfRange: return "The event's time is outside the years 0000 to 9999."
        case .integerOutOfRange: return "The event holds an integer outside ±(2^53-1)."
        case .sealingFailed: return "The event's personal data could not be sealed."
        case .dataKeyMismatch(let entryKeyID, let givenKeyID):
            return "The entry is sealed under data key '\(entryKeyID)', not '\(givenKeyID)'."
        case .sealedFieldsRejected:
            return "The sealed fields failed authentication: wrong data key, altered entry, or a box moved from another entry."
        }
    }
}
