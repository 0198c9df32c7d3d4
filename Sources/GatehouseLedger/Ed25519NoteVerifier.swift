import Crypto

/// Verifies Ed25519 note signatures (C2SP signed-note signature type 0x01) by one public key.
public struct Ed25519NoteVerifier: NoteVerifier {
    public static let signatureType: UInt8 = 0x01

    public let keyName: String
    public let keyID: NoteKeyID
    public let publicKey: Curve25519.Signing.PublicKey

    public init(keyName: String, publicKey: Curve25519.Signing.PublicKey) throws {
        guard NoteKeyName.isValid(keyName) else { throw NoteKeyError.invalidKeyName }
        self.keyName = keyName
        self.publicKey = publicKey
        keyID = NoteKeyID(keyName: keyName, signatureType: Self.signatureType, publicKey: publicKey.rawRepresentation)
    }

    /// Parses a verifier key string `<name>+<key ID>+<base64(0x01 || public key)>`.
    public init(verifierKey: String) throws {
        guard !verifierKey.hasPrefix(NoteKeyString.privateKeyPrefix) else { throw NoteKeyError.signerKeyGivenAsVerifierKey }
        let fields = try NoteKeyString(parsing: Substring(verifierKey))
        try self.init(keyName: fields.keyName, publicKey: Curve25519.Signing.PublicKey(rawRepresentation: fields.ed25519Key()))
        guard fields.keyID == keyID else { throw NoteKeyError.keyIDMismatch(stated: fields.keyID, computed: keyID) }
    }

    /// The verifier key string, safe to publish.
    public var verifierKey: String {
        NoteKeyString.format(keyName: keyName, keyID: keyID, signatureType: Self.signatureType,
                             key: Array(publicKey.rawRepresentation))
    }

    public func isValidSignature(_ signature: [UInt8], for text: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: text)
    }
}
