import Crypto

/// Signs notes with an Ed25519 private key (C2SP signed-note signature type 0x01).
/// Its description names the key but never shows it; only ``signerKey`` does.
public struct Ed25519NoteSigner: NoteSigner, CustomStringConvertible, CustomDebugStringConvertible {
    public let keyName: String
    public let keyID: NoteKeyID
    private let privateKey: Curve25519.Signing.PrivateKey

    public init(keyName: String, privateKey: Curve25519.Signing.PrivateKey) throws {
        guard NoteKeyName.isValid(keyName) else { throw NoteKeyError.invalidKeyName }
        self.keyName = keyName
        self.privateKey = privateKey
        keyID = NoteKeyID(keyName: keyName, signatureType: Ed25519NoteVerifier.signatureType,
                          publicKey: privateKey.publicKey.rawRepresentation)
    }

    /// A new random key for a log named `keyName` (for a checkpoint signer, the log's origin).
    public static func generate(keyName: String) throws -> Ed25519NoteSigner {
        try Ed25519NoteSigner(keyName: keyName, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Parses a signer key string `PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte seed)>`.
    /// The key ID is that of the public key, so it is checked after deriving the public key.
    public init(signerKey: String) throws {
        guard signerKey.hasPrefix(NoteKeyString.privateKeyPrefix) else { throw NoteKeyError.missingPrivateKeyPrefix }
        let fields = try NoteKeyString(parsing: signerKey.dropFirst(NoteKeyString.privateKeyPrefix.count))
        try self.init(keyName: fields.keyName, privateKey: Curve25519.Signing.PrivateKey(rawRepresentation: fields.ed25519Key()))
        guard fields.keyID == keyID else { throw NoteKeyError.keyIDMismatch(stated: fields.keyID, computed: keyID) }
    }

    /// The signer key string. A secret: whoever has it can sign as this log.
    public var signerKey: String {
        NoteKeyString.privateKeyPrefix + NoteKeyString.format(
            keyName: keyName, keyID: keyID, signatureType: Ed25519NoteVerifier.signatureType,
            key: Array(privateKey.rawRepresentation))
    }

    public var verifier: Ed25519NoteVerifier {
        // The name was validated by this signer's initialiser, so this cannot throw.
        try! Ed25519NoteVerifier(keyName: keyName, publicKey: privateKey.publicKey)
    }

    public var verifierKey: String { verifier.verifierKey }

    public func sign(_ text: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: text))
    }

    public var description: String { "Ed25519NoteSigner(\(keyName)+\(keyID))" }
    public var debugDescription: String { description }
}
