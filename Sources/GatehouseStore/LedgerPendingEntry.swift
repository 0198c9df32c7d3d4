import GatehouseCore
import GatehouseLedger

/// An entry on its way to the writer, leaf hash already computed: hashing on the caller's
/// thread keeps the single writer free for the journal.
struct LedgerPendingEntry: Sendable {
    let bytes: [UInt8]
    let leafHash: MerkleHash
    let subjects: [SubjectReference]
    let sessionID: String?
    let time: String?
    private(set) var newDataKey: LedgerNewDataKey?
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

    /// An entry read back from the journal (`LedgerJournalRecord`): the leaf hash is recomputed.
    init(bytes: [UInt8], subjects: [SubjectReference], sessionID: String?, time: String?,
         newDataKey: LedgerNewDataKey?, derivesClassification: Bool) {
        self.bytes = bytes
        leafHash = .leafHash(bytes)
        self.subjects = subjects
        self.sessionID = sessionID
        self.time = time
        self.newDataKey = newDataKey
        self.derivesClassification = derivesClassification
    }

    /// The same entry without its data key: a shared log keeps keys beside its records, never in them.
    var withoutDataKey: LedgerPendingEntry {
        guard newDataKey != nil else { return self }
        var copy = self
        copy.newDataKey = nil
        return copy
    }
}
