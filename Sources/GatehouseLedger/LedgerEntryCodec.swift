import Crypto
import GatehouseCore

/// Events to ledger entries (format v1) and back. An entry's bytes are the Merkle leaf's input:
/// the leaf hash is `MerkleHash.leafHash(bytes)`. docs/evidence.md specifies the format.
public enum LedgerEntryCodec {
    /// The `v` of entries this code writes and reads.
    public static let formatVersion = 1

    /// The event as entry bytes, its personal-data fields sealed under `key` with a fresh random
    /// nonce. Throws `LedgerEntryError` (`.timeOutOfRange`, `.integerOutOfRange`).
    public static func encode(_ event: GatehouseEvent, sealingWith key: DataKey) throws -> [UInt8] {
        try encode(event, sealingWith: { key }, nonce: SealingNonces.next())
    }

    /// Asks for the key only when the event has a field to seal (a session end has none), so a
    /// recorder creates a session's data key when the session first needs one.
    public static func encode(_ event: GatehouseEvent, sealingWith key: () throws -> DataKey) throws -> [UInt8] {
        try encode(event, sealingWith: key, nonce: SealingNonces.next())
    }

    /// With a chosen nonce: for the golden test vector only (a nonce must never repeat under a key).
    static func encode(_ event: GatehouseEvent, sealingWith key: DataKey, nonce: AES.GCM.Nonce) throws -> [UInt8] {
        try encode(event, sealingWith: { key }, nonce: nonce)
    }

    private static func encode(_ event: GatehouseEvent, sealingWith dataKey: () throws -> DataKey,
                               nonce: AES.GCM.Nonce) throws -> [UInt8] {
        let (envelope, sealed) = LedgerEntryEnvelope.split(event)
        var writer = CanonicalJSONWriter(capacity: 512 + (sealed.text?.utf8.count ?? 0) * 2)
        let sealedOffset: Int
        do {
            sealedOffset = try envelope.write(into: &writer, includingSealed: false)
        } catch is CanonicalJSONError {
            throw LedgerEntryError.integerOutOfRange
        }
        guard !sealed.isEmpty else { return writer.bytes }
        // The bytes without `sealed` are exactly the associated data; the member is spliced in.
        let associatedData = writer.bytes
        let box = try SealedFieldsBox.seal(sealed.canonicalBytes(), with: dataKey(), nonce: nonce, envelope: associatedData)
        var member = CanonicalJSONWriter(capacity: 128 + box.box.count * 4 / 3)
        member.raw([UInt8(ascii: ",")])
        member.key("sealed")
        box.write(into: &member)
        var entry = [UInt8]()
        entry.reserveCapacity(associatedData.count + member.bytes.count)
        entry.append(contentsOf: associatedData[..<sealedOffset])
        entry.append(contentsOf: member.bytes)
        entry.append(contentsOf: associatedData[sealedOffset...])
        return entry
    }

    /// The entry's clear part, refusing any bytes that are not exactly what `encode` writes.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) throws -> LedgerEntryEnvelope where Bytes.Element == UInt8 {
        try LedgerEntryEnvelope(canonicalBytes: bytes)
    }

    /// The whole event when `key` opens the entry (or nothing is sealed); only the envelope when
    /// the entry has sealed fields and `key` is nil (erased or withheld).
    public static func decode<Bytes: Collection>(_ bytes: Bytes, dataKey key: DataKey?) throws -> LedgerEntryContents
    where Bytes.Element == UInt8 {
        try LedgerEntryEnvelope(canonicalBytes: bytes).open(with: key)
    }
}
