/// The fields shared by verifier and signer key strings (golang.org/x/mod/sumdb/note):
/// `<name>+<8 hex digits key ID>+<base64(signature type || key)>`. The base64 may itself
/// contain `+`, so only the first two `+` separate fields.
struct NoteKeyString {
    static let privateKeyPrefix = "PRIVATE+KEY+"

    let keyName: String
    let keyID: NoteKeyID
    let signatureType: UInt8
    let key: [UInt8]

    /// The 32-byte Ed25519 key (private seed or public key) these fields carry.
    func ed25519Key() throws -> [UInt8] {
        guard signatureType == Ed25519NoteVerifier.signatureType else { throw NoteKeyError.unsupportedSignatureType(signatureType) }
        guard key.count == 32 else { throw NoteKeyError.wrongKeyLength(key.count) }
        return key
    }

    init(parsing text: Substring) throws {
        let fields = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw NoteKeyError.malformed }
        keyName = String(fields[0])
        guard NoteKeyName.isValid(keyName) else { throw NoteKeyError.invalidKeyName }
        guard let keyID = NoteKeyID(hex: fields[1]) else { throw NoteKeyError.invalidKeyID }
        self.keyID = keyID
        guard let typedKey = NoteBase64.decodeCanonical(fields[2]), let type = typedKey.first else {
            throw NoteKeyError.keyNotBase64
        }
        signatureType = type
        key = Array(typedKey.dropFirst())
    }

    static func format(keyName: String, keyID: NoteKeyID, signatureType: UInt8, key: [UInt8]) -> String {
        "\(keyName)+\(keyID)+\(NoteBase64.encode([signatureType] + key))"
    }
}
