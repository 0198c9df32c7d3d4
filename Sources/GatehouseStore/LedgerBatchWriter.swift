import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger

/// Writes one group-commit batch inside the caller's transaction: each entry with its leaf
/// hash, every node it completes (level 1 and up; leaves stay in `entries`), its subjects and
/// any new data key. Works on a copy of the frontier and returns it, so the store adopts it
/// only after COMMIT.
enum LedgerBatchWriter {
    /// `calls` are the callers' entries, in queue order; returns one `LedgerAppend` per call.
    static func write(_ calls: [[LedgerPendingEntry]], after committed: MerkleFrontier,
                      in db: Database) throws -> (appends: [LedgerAppend], frontier: MerkleFrontier) {
        var frontier = try frontierOnDisk(committed, in: db)
        let insertEntry = try db.cachedStatement(sql: LedgerSchema.insertEntry)
        let insertNode = try db.cachedStatement(sql: LedgerSchema.insertNode)
        let insertSubject = try db.cachedStatement(sql: LedgerSchema.insertSubject)
        let insertDataKey = try db.cachedStatement(sql: LedgerSchema.insertDataKey)
        let insertDerived = try db.cachedStatement(sql: LedgerSchema.insertDerivedClassification)
        var appends: [LedgerAppend] = []
        appends.reserveCapacity(calls.count)
        for call in calls {
            let firstIndex = frontier.leafCount
            for entry in call {
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
            appends.append(LedgerAppend(firstIndex: firstIndex, treeSize: frontier.leafCount, rootHash: frontier.rootHash))
        }
        return (appends, frontier)
    }

    /// A recorder offers a session's key with every append until one has committed (an earlier
    /// batch may have failed), so the same bytes again are fine; other bytes under an existing
    /// ID would leave entries sealed under a key that is not stored: refused.
    private static func store(_ key: LedgerNewDataKey, with insert: Statement, in db: Database) throws {
        try insert.execute(arguments: [key.keyID, Data(key.wrapped), key.connection, UTCTimestamp.string(from: key.createdAt) ?? ""])
        guard db.changesCount == 0 else { return }
        let stored = try Data.fetchOne(db, sql: "SELECT wrapped FROM data_keys WHERE key_id = ?", arguments: [key.keyID])
        if let stored, stored != Data(key.wrapped) { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
    }

    /// The frontier of the log as this transaction sees it. Another process (`gatehouse audit
    /// erase` appending its erasure event while the gateway runs) may have appended since this
    /// store last wrote; the write lock is held now, so its entries are final, and the frontier
    /// is rebuilt from their stored nodes (O(log n)). A log shorter than memory means someone
    /// removed entries: refused.
    private static func frontierOnDisk(_ committed: MerkleFrontier, in db: Database) throws -> MerkleFrontier {
        let size = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries") ?? 0
        if size == Int64(committed.leafCount) { return committed }
        guard size > Int64(committed.leafCount) else {
            throw LedgerStoreError.needsReopen("the log on disk holds \(size) entries, fewer than the \(committed.leafCount) this process committed")
        }
        return try MerkleFrontier(store: LedgerDatabaseTree(db: db, leafCount: UInt64(size)), treeSize: UInt64(size))
    }
}
