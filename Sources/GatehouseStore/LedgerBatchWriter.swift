import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger

/// Writes journal batches into the SQLite index inside the caller's transaction: each entry
/// with its leaf hash, every node it completes (level 1 and up; leaves stay in `entries`), its
/// subjects and any new data key. Idempotent: entries SQLite already holds (another process
/// absorbed the journal first) are skipped, so the same batch may be applied twice.
enum LedgerBatchWriter {
    /// `known` is the frontier this process last wrote; returns the frontier after the batches.
    static func write(_ batches: [LedgerJournalBatch], after known: MerkleFrontier, in db: Database) throws -> MerkleFrontier {
        let size = UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries") ?? 0)
        var frontier = size == known.leafCount
            ? known : try MerkleFrontier(store: LedgerDatabaseTree(db: db, leafCount: size), treeSize: size)
        let insertEntry = try db.cachedStatement(sql: LedgerSchema.insertEntry)
        let insertNode = try db.cachedStatement(sql: LedgerSchema.insertNode)
        let insertSubject = try db.cachedStatement(sql: LedgerSchema.insertSubject)
        let insertDataKey = try db.cachedStatement(sql: LedgerSchema.insertDataKey)
        let insertDerived = try db.cachedStatement(sql: LedgerSchema.insertDerivedClassification)
        for batch in batches where batch.endIndex > frontier.leafCount {
            guard batch.firstIndex <= frontier.leafCount else {
                throw LedgerStoreError.journal("the journal's next batch starts at entry \(batch.firstIndex), but the log holds \(frontier.leafCount)")
            }
            for entry in batch.entries.dropFirst(Int(frontier.leafCount - batch.firstIndex)) {
                let index = Int64(frontier.leafCount)
                if let key = entry.newDataKey { try store(key, with: insertDataKey, in: db) }
                try insertEntry.execute(arguments: [index, Data(entry.leafHash.bytes), Data(entry.bytes), entry.sessionID, entry.time])
                for subject in entry.subjects {
                    try insertSubject.execute(arguments: [subject.digest, subject.kind, index])
                }
                if entry.derivesClassification { try insertDerived.execute(arguments: [index]) }
                try frontier.append(leafHash: entry.leafHash) { node, hash in
                    guard node.level > 0 else { return }
                    try insertNode.execute(arguments: [node.level, Int64(node.index), Data(hash.bytes)])
                }
            }
        }
        return frontier
    }

    /// A recorder offers a session's key with every append until one has committed (an earlier
    /// batch may have failed), so the same bytes again are fine, and so is a key erased since
    /// (the journal is applied again after an erasure); other bytes under an existing ID would
    /// leave entries sealed under a key that is not stored: refused.
    private static func store(_ key: LedgerNewDataKey, with insert: Statement, in db: Database) throws {
        try insert.execute(arguments: [key.keyID, Data(key.wrapped), key.connection, UTCTimestamp.string(from: key.createdAt) ?? ""])
        if db.changesCount == 0, try conflicts(key, in: db) { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
    }

    /// Whether a key of that ID is stored, not erased, with other bytes.
    static func conflicts(_ key: LedgerNewDataKey, in db: Database) throws -> Bool {
        guard let stored = try Row.fetchOne(db, sql: "SELECT wrapped, erased_at FROM data_keys WHERE key_id = ?", arguments: [key.keyID])
        else { return false }
        let wrapped: Data? = stored[0]
        let erasedAt: String? = stored[1]
        return erasedAt == nil && wrapped.map { $0 != Data(key.wrapped) } == true
    }
}
