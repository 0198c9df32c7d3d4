/// One signature line of a signed note: `— <key name> base64(key ID || signature)`.
/// Kept whether or not its key is known, so that a note re-serialises with every signature.
public struct NoteSignature: Hashable, Sendable {
    public let keyName: String
    public let keyID: NoteKeyID
    /// The signature proper, without the key ID prefix.
    public let signature: [UInt8]

    public init(keyName: String, keyID: NoteKeyID, signature: [UInt8]) throws {
        guard NoteKeyName.isValid(keyName) else { throw SignedNoteError.invalidKeyName(keyName) }
        guard !signature.isEmpty else { throw SignedNoteError.emptySignature(keyName: keyName) }
        self.keyName = keyName
        self.keyID = keyID
        self.signature = signature
    }

    /// The line's base64 field: the key ID then the signature.
    public var base64: String { NoteBase64.encode(keyID.bigEndianBytes + signature) }

    /// The whole line, with its final newline.
    public var line: String { "\(SignedNote.signatureLinePrefix)\(keyName) \(base64)\n" }

    func isBy(keyName: String, keyID: NoteKeyID) -> Bool {
        self.keyName == keyName && self.keyID == keyID
    }
}
