/// Why a well-formed signed note was not accepted as signed by a known key.
public enum NoteVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No signature is by a known key (signatures by unknown keys are ignored).
    case noKnownSignature
    /// A signature by a known key does not verify: the whole note is refused, as the spec advises.
    case invalidSignature(keyName: String, keyID: NoteKeyID)
    /// Several configured verifiers share this key name and ID, so which one signed is unclear.
    case ambiguousKey(keyName: String, keyID: NoteKeyID)

    public var description: String {
        switch self {
        case .noKnownSignature:
            return "The signed note has no signature by a known key."
        case .invalidSignature(let keyName, let keyID):
            return "The signature by the known key \(keyName)+\(keyID) does not verify."
        case .ambiguousKey(let keyName, let keyID):
            return "More than one verifier is configured for the key \(keyName)+\(keyID)."
        }
    }
}
