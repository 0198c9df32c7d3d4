/// Why bytes were refused as an evidence bundle, or a bundle could not be built. Paths are the
/// JSON member (`entries[3].proof[1]`). No case quotes entry bytes or keys.
public enum EvidenceBundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not canonical JSON (RFC 8785 as the ledger restricts it).
    case notCanonicalJSON(CanonicalJSONError)
    /// `format` is not `gatehouse-evidence-bundle/v1`.
    case unsupportedFormat(String)
    case missingMember(String)
    case unexpectedMember(String)
    case wrongType(String)
    /// The right type, but not an allowed value (bad base64, a hash not 32 bytes, a negative index...).
    case invalidValue(String)
    /// The manifest's text is malformed, or a manifest could not be made.
    case invalidManifest(String)
    /// A bundle must hold at least one entry.
    case noEntries

    public var description: String {
        switch self {
        case .notCanonicalJSON(let error): return "The bundle is not canonical JSON: \(error)"
        case .unsupportedFormat(let format): return "The bundle's format is '\(format)', not '\(EvidenceBundle.format)'."
        case .missingMember(let path): return "The bundle lacks the member '\(path)'."
        case .unexpectedMember(let path): return "The bundle has the member '\(path)', which \(EvidenceBundle.format) does not define."
        case .wrongType(let path): return "The bundle's member '\(path)' has the wrong JSON type."
        case .invalidValue(let path): return "The bundle's member '\(path)' has a value the format does not allow."
        case .invalidManifest(let reason): return "The bundle's manifest is malformed: \(reason)."
        case .noEntries: return "The bundle holds no entries."
        }
    }
}
