import Crypto

/// The AES-256 key that wraps data keys at rest (the key-encryption key). It never seals entries
/// itself, and it stays out of the ledger: only wrapped data keys are stored.
public struct MasterKey: Sendable {
    /// Names this master key in every key it wrapped, so unwrapping with another master key is
    /// reported as such rather than as tampering: the first 8 bytes of
    /// HMAC-SHA256(master key, "gatehouse master key fingerprint v1"). Reveals nothing usable
    /// about the key (HMAC is a PRF), and differs from any data derived from it for another use.
    public let fingerprint: [UInt8]
    let key: SymmetricKey

    static let fingerprintByteCount = 8
    private static let fingerprintLabel = Array("gatehouse master key fingerprint v1".utf8)

    /// A master key from its 32 raw bytes (from the deployment's secret store).
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        let key = SymmetricKey(data: Array(bytes))
        guard key.bitCount == DataKey.byteCount * 8 else { throw DataKeyError.wrongKeyLength(key.bitCount / 8) }
        self.init(key: key)
    }

    /// A key for another purpose, derived from this one (HKDF-SHA256 with `purpose` as info, so it
    /// reveals nothing of the master key): every instance sharing the master key derives the same.
    public func derivedKey(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(purpose.utf8), outputByteCount: 32)
    }

    /// A fresh random master key.
    public static func generate() -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) {
        self.key = key
        let mac = HMAC<SHA256>.authenticationCode(for: Self.fingerprintLabel, using: key)
        fingerprint = Array(Array(mac).prefix(Self.fingerprintByteCount))
    }
}
