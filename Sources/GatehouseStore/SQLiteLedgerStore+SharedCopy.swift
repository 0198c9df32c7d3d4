import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger

/// Moving an embedded ledger into a shared store (`gatehouse store copy`): the entries become
/// the shared log's records (same entries, same order, so every root, proof and checkpoint stays
/// valid), the data keys move to the store's keys table, the checkpoints are stored there too,
/// and the database becomes this instance's index of the shared log.
extension SQLiteLedgerStore {
    public struct SharedCopy: Sendable, Equatable {
        /// Entries the shared log held already (an earlier, interrupted copy of this ledger).
        public var alreadyThere: UInt64
        public var entries: UInt64
        public var records: Int
        public var dataKeys: Int
        public var rootHash: MerkleHash
    }

    /// Copies this embedded ledger (opened without a shared log) into `sharedLog`, which must be
    /// empty or hold a prefix of this ledger (a copy that was interrupted: it continues). Then
    /// the data keys go to the shared store (erased ones as erased) and are removed here, with
    /// the journal, so no copy of a key stays outside the store.
    public func copy(into sharedLog: any LedgerSharedLog, entriesPerRecord: Int = 256) throws -> SharedCopy {
        precondition(self.sharedLog == nil, "copy from an embedded ledger")
        try absorbJournal(wipe: true)  // segments may hold wrapped keys
        let size = try leafCount
        let already = try sharedLog.size()
        if already > 0 {
            guard already <= size, let stated = try sharedLog.root(atSize: already), stated == (try rootHash(treeSize: already)).bytes else {
                throw LedgerStoreError.journal(
                    "the shared store \(sharedLog.description) already holds \(already) entries that are not the start of this ledger "
                    + "(\(size) entries): copy into an empty store")
            }
        }
        var frontier = try MerkleFrontier(store: self, treeSize: already)
        var records = 0
        var next = already
        while next < size {
            let end = min(next + UInt64(entriesPerRecord), size)
            let entries = try pendingEntries(next..<end)
            for entry in entries { frontier.append(leafHash: entry.leafHash) }
            let batch = LedgerJournalBatch(firstIndex: next, entries: entries)
            let record = LedgerSharedRecord(firstIndex: next, entryCount: entries.count, bytes: LedgerJournalRecord.encode(batch),
                                            rootAfter: frontier.rootHash.bytes)
            guard try sharedLog.append(record, newDataKeys: []) else {
                throw LedgerStoreError.journal("the shared store \(sharedLog.description) was appended to during the copy: "
                                               + "stop every instance that uses it and copy into an empty store")
            }
            records += 1
            next = end
        }
        let keys = try readDatabase { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.dataKeyColumns) FROM data_keys ORDER BY key_id").map(Self.dataKey)
        }
        for key in keys { try sharedLog.copyDataKey(key) }
        // Its checkpoints too: signed by the key the instances then share (ledger.signing_key_*).
        for checkpoint in try checkpoints() { try sharedLog.storeCheckpoint(checkpoint) }
        try writeDatabase { db in try db.execute(sql: "DELETE FROM data_keys") }  // secure_delete: the bytes are zeroed
        try? database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return SharedCopy(alreadyThere: already, entries: size - already, records: records, dataKeys: keys.count, rootHash: frontier.rootHash)
    }

    /// The entries of `range` with what the index keeps beside them (session, time, subjects,
    /// whether they derive classification), as the journal would have carried them.
    private func pendingEntries(_ range: Range<UInt64>) throws -> [LedgerPendingEntry] {
        try readDatabase { db in
            let lower = Int64(range.lowerBound), upper = Int64(range.upperBound)
            var subjects: [Int64: [SubjectReference]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT idx, kind, digest FROM subjects WHERE idx >= ? AND idx < ? ORDER BY rowid",
                                        arguments: [lower, upper]) {
                subjects[row[0], default: []].append(SubjectReference(kind: row[1], digest: row[2]))
            }
            let derived = Set(try Int64.fetchAll(db, sql: "SELECT idx FROM derived_classifications WHERE idx >= ? AND idx < ?",
                                                 arguments: [lower, upper]))
            return try Row.fetchAll(db, sql: "SELECT idx, entry, session_id, time FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                                    arguments: [lower, upper]).map { row in
                let index: Int64 = row[0]
                let bytes: Data = row[1]
                return LedgerPendingEntry(bytes: Array(bytes), subjects: subjects[index] ?? [], sessionID: row[2], time: row[3],
                                          newDataKey: nil, derivesClassification: derived.contains(index))
            }
        }
    }
}
