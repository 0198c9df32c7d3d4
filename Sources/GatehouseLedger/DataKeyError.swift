/// Why a data key or master key could not be built, wrapped or unwrapped. No case carries key bytes.
public enum DataKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Data keys and master keys are AES-256: 32 bytes.
    case wrongKeyLength(Int)
    /// Not a wrapped data key of a known format: wrong length or version byte.
    case malformedWrappedKey
    /// The wrapped key names another master key (its fingerprint differs from the one given).
    case wrongMasterKey
    /// The master key's fingerprint matches but authentication failed: the wrapped bytes were
    /// altered, or they wrap the key of another ID (the ID is authenticated).
    case wrappedKeyRejected
    /// AES-GCM refused to seal (does not happen with a 256-bit key and a 12-byte nonce).
    case wrappingFailed

    public var description: String {
        switch self {
        case .wrongKeyLength(let length):
            return "A data or master key must be 32 bytes (AES-256), not \(length)."
        case .malformedWrappedKey:
            return "The wrapped data key is not 69 bytes starting with format version 1."
        case .wrongMasterKey:
            return "The data key was wrapped under another master key (the fingerprints differ)."
        case .wrappedKeyRejected:
            return "The wrapped data key failed authentication: it was altered, or it belongs to another key ID."
        case .wrappingFailed:
            return "The data key could not be wrapped."
        }
    }
}
