/// Base64, the encoding of root hashes in checkpoints; the module's one codec (`NoteBase64`), so
/// a hash has exactly one accepted spelling there too.
extension MerkleHash {
    /// The 32 bytes in standard padded base64 (44 characters).
    public var base64: String {
        withUnsafeBytes { NoteBase64.encode($0) }
    }

    /// The hash from canonical standard base64; nil unless that decodes to exactly 32 bytes.
    public init?<Text: StringProtocol>(base64: Text) {
        guard let bytes = NoteBase64.decodeCanonical(base64) else { return nil }
        self.init(bytes: bytes)
    }
}
