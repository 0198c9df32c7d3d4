import Crypto

/// The sealed fields of one entry as they sit in it: AES-256-GCM under the session's data key,
/// with the entry's canonical JSON without `sealed` as associated data. The leaf hash commits to
/// these bytes, so erasing the key leaves every proof intact.
public struct SealedFieldsBox: Sendable, Equatable {
    /// The data key's ID (`DataKey.id`).
    public var keyID: String
    /// 12 random bytes, never reused under one key.
    public var nonce: [UInt8]
    /// Ciphertext followed by the 16-byte tag.
    public var box: [UInt8]

    static let nonceByteCount = 12
    static let tagByteCount = 16

    public init(keyID: String, nonce: [UInt8], box: [UInt8]) {
        self.keyID = keyID
        self.nonce = nonce
        self.box = box
    }

    static func seal(_ plaintext: [UInt8], with key: DataKey, nonce: AES.GCM.Nonce, envelope: [UInt8]) throws -> SealedFieldsBox {
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(plaintext, using: key.key, nonce: nonce, authenticating: envelope)
        } catch {
            throw LedgerEntryError.sealingFailed
        }
        var box = [UInt8]()
        box.reserveCapacity(sealed.ciphertext.count + tagByteCount)
        box.append(contentsOf: sealed.ciphertext)
        box.append(contentsOf: sealed.tag)
        return SealedFieldsBox(keyID: key.id, nonce: Array(nonce), box: box)
    }

    /// The plaintext, or `LedgerEntryError.sealedFieldsRejected` when authentication fails (another
    /// key with the same ID, an altered box, or a box moved from another entry).
    func open(with key: DataKey, envelope: [UInt8]) throws -> [UInt8] {
        do {
            let sealed = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: box.dropLast(Self.tagByteCount),
                                               tag: box.suffix(Self.tagByteCount))
            return Array(try AES.GCM.open(sealed, using: key.key, authenticating: envelope))
        } catch {
            throw LedgerEntryError.sealedFieldsRejected
        }
    }
}
