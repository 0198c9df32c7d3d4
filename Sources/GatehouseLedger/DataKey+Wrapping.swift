import Crypto

/// Wrapping data keys under the master key for storage: AES-256-GCM with the key ID as
/// associated data, rather than AES-KW (RFC 3394, `AES.KeyWrap`), because AES-KW has no associated
/// data: a wrapped key copied to another key ID's row would unwrap without complaint. Here it fails.
///
/// Wrapped form, 69 bytes:
///
///     0x01 (format version) || master key fingerprint (8) || nonce (12) || ciphertext (32) || tag (16)
///
/// with the associated data `0x01 || fingerprint || UTF-8 of the key ID`: the header and the ID
/// are both authenticated.
extension DataKey {
    static let wrappedFormatVersion: UInt8 = 1
    static let wrappedByteCount = 1 + MasterKey.fingerprintByteCount + 12 + byteCount + 16

    /// The key sealed under `master`, to store; a fresh random nonce each time.
    public func wrapped(by master: MasterKey) throws -> [UInt8] {
        try wrapped(by: master, nonce: AES.GCM.Nonce())
    }

    func wrapped(by master: MasterKey, nonce: AES.GCM.Nonce) throws -> [UInt8] {
        let header = [Self.wrappedFormatVersion] + master.fingerprint
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try key.withUnsafeBytes { keyBytes in
                try AES.GCM.seal(keyBytes, using: master.key, nonce: nonce,
                                 authenticating: Self.associatedData(header: header, id: id))
            }
        } catch {
            throw DataKeyError.wrappingFailed
        }
        return header + Array(nonce) + Array(sealed.ciphertext) + Array(sealed.tag)
    }

    /// The data key `id` from its wrapped form. Throws `DataKeyError`: `.malformedWrappedKey`,
    /// `.wrongMasterKey` (another master key wrapped it), `.wrappedKeyRejected` (altered, or
    /// wrapped for another ID).
    public init<Bytes: Collection>(unwrapping wrapped: Bytes, id: String, by master: MasterKey) throws where Bytes.Element == UInt8 {
        let wrapped = Array(wrapped)
        guard wrapped.count == Self.wrappedByteCount, wrapped[0] == Self.wrappedFormatVersion else {
            throw DataKeyError.malformedWrappedKey
        }
        let header = Array(wrapped[0..<(1 + MasterKey.fingerprintByteCount)])
        guard header.dropFirst().elementsEqual(master.fingerprint) else { throw DataKeyError.wrongMasterKey }
        let nonceStart = header.count
        let ciphertextStart = nonceStart + 12
        let tagStart = ciphertextStart + Self.byteCount
        let keyBytes: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: wrapped[nonceStart..<ciphertextStart]),
                                            ciphertext: wrapped[ciphertextStart..<tagStart], tag: wrapped[tagStart...])
            keyBytes = Array(try AES.GCM.open(box, using: master.key, authenticating: Self.associatedData(header: header, id: id)))
        } catch {
            throw DataKeyError.wrappedKeyRejected
        }
        try self.init(id: id, bytes: keyBytes)
    }

    private static func associatedData(header: [UInt8], id: String) -> [UInt8] {
        header + Array(id.utf8)
    }
}
