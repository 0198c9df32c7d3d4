/// Something that signs note texts with one key, identified by key name and key ID.
public protocol NoteSigner: Sendable {
    var keyName: String { get }
    var keyID: NoteKeyID { get }
    /// The signature of `text` (the note text, final newline included), without the key ID.
    func sign(_ text: [UInt8]) throws -> [UInt8]
}
