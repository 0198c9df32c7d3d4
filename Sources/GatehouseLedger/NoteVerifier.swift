/// Something that checks note signatures made by one known key, identified by key name and key ID.
public protocol NoteVerifier: Sendable {
    var keyName: String { get }
    var keyID: NoteKeyID { get }
    /// Whether `signature` (without the key ID) is this key's signature of `text`.
    func isValidSignature(_ signature: [UInt8], for text: [UInt8]) -> Bool
}
