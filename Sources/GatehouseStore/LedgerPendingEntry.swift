import GatehouseCore
import GatehouseLedger

/// An entry on its way to the writer, leaf hash already computed: hashing on the caller's
/// thread keeps the single writer free for SQLite.
struct LedgerPendingEntry: Sendable {
    let bytes: [UInt8]
    let leafHash: MerkleHash
    let subjects: [SubjectReference]
    let sessionID: String?
    let time: String?
    let newDataKey: LedgerNewDataKey?
    let derivesClassification: Bool

    init(_ entry: LedgerAppendEntry) {
        bytes = entry.bytes
        leafHash = .leafHash(entry.bytes)
        subjects = entry.subjects
        sessionID = entry.sessionID
        time = entry.time.flatMap(UTCTimestamp.string(from:))
        newDataKey = entry.newDataKey
        derivesClassification = entry.derivesClassification
    }
}
