import Crypto

/// The AES-256 key that seals one session's personal data in its ledger entries. Deleting every
/// copy of it (its wrapped form) is the erasure: the entries keep their bytes, so every Merkle
/// proof still verifies, but their sealed fields can no longer be opened.
public struct DataKey: Sendable {
    /// AES-256.
    public static let byteCount = 32

    /// Names the key in the entries it sealed (their `sealed.key`); the session ID by convention.
    public let id: String
    let key: SymmetricKey

    /// A key from its 32 raw bytes (e.g. just unwrapped).
    public init<Bytes: Collection>(id: String, bytes: Bytes) throws where Bytes.Element == UInt8 {
        let key = SymmetricKey(data: Array(bytes))
        guard key.bitCount == Self.byteCount * 8 else { throw DataKeyError.wrongKeyLength(key.bitCount / 8) }
        self.id = id
        self.key = key
    }

    /// A fresh random key from the system's secure generator.
    public static func generate(id: String) -> DataKey {
        DataKey(id: id, key: SymmetricKey(size: .bits256))
    }

    private init(id: String, key: SymmetricKey) {
        self.id = id
        self.key = key
    }
}
