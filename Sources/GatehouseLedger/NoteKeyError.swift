/// Why a verifier key string (`<name>+<key ID>+<base64 key>`) or signer key string
/// (`PRIVATE+KEY+<name>+<key ID>+<base64 key>`) was refused. No case carries any part of the
/// key string: a signer key is a secret, and a mangled one could put key bytes in any field.
public enum NoteKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A signer key was given where a verifier key belongs.
    case signerKeyGivenAsVerifierKey
    case missingPrivateKeyPrefix
    /// Not three `+`-separated fields after any prefix.
    case malformed
    case invalidKeyName
    case invalidKeyID
    case keyNotBase64
    case unsupportedSignatureType(UInt8)
    case wrongKeyLength(Int)
    /// The key ID in the string is not the one computed from the name and public key.
    case keyIDMismatch(stated: NoteKeyID, computed: NoteKeyID)

    public var description: String {
        switch self {
        case .signerKeyGivenAsVerifierKey:
            return "A signer key (PRIVATE+KEY+...) was given where a verifier key is expected; keep it secret and give the verifier key."
        case .missingPrivateKeyPrefix:
            return "A signer key must start with 'PRIVATE+KEY+'."
        case .malformed:
            return "The key is not of the form <name>+<key ID>+<base64 key>."
        case .invalidKeyName:
            return "The key's name is empty or contains a space, a control character or '+'."
        case .invalidKeyID:
            return "The key's ID is not eight hexadecimal digits."
        case .keyNotBase64:
            return "The key's last field is not canonical standard base64 of a type byte and a key."
        case .unsupportedSignatureType(let type):
            return "The key's signature type \(type) is not supported (only 1, Ed25519)."
        case .wrongKeyLength(let length):
            return "The key is \(length) bytes long; an Ed25519 key is 32 bytes."
        case .keyIDMismatch(let stated, let computed):
            return "The key ID \(stated) does not match the name and key, whose ID is \(computed)."
        }
    }
}
