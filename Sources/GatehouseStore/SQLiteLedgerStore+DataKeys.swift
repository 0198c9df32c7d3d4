import GatehouseCore
import Foundation
import GRDB

/// Wrapped data keys, by ID: stored once, erased for good (crypto-shredding). The store only
/// keeps bytes; wrapping and unwrapping belong to the caller. With a shared log the keys live
/// there only (`LedgerSharedLog`), so an erasure reaches every instance at once.
extension SQLiteLedgerStore {
    /// Stores a new key. Refused when the ID exists, erased or not: a key is never replaced,
    /// or what it encrypted could silently become unreadable (or an erasure undone). (The
    /// recorder stores a session's key with its first entry instead: `LedgerAppendEntry.newDataKey`.)
    public func storeDataKey(_ key: LedgerNewDataKey) throws {
        _ = try leafCount
        if let sharedLog { return try sharedLog.storeDataKey(key) }
        try writeDatabase { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM data_keys WHERE key_id = ?", arguments: [key.keyID]) == nil else {
                throw LedgerStoreError.dataKeyExists(keyID: key.keyID)
            }
            try db.execute(sql: LedgerSchema.insertDataKey,  // no conflict: checked just above
                           arguments: [key.keyID, Data(key.wrapped), key.connection, UTCTimestamp.string(from: key.createdAt) ?? ""])
        }
    }

    /// The key, or nil when no key of that ID was ever stored.
    public func dataKey(keyID: String) throws -> LedgerDataKey? {
        _ = try leafCount
        if let sharedLog { return try sharedLog.dataKey(keyID: keyID) }
        return try readDatabase { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.dataKeyColumns) FROM data_keys WHERE key_id = ?", arguments: [keyID])
                .map(Self.dataKey)
        }
    }

    /// Erases the key's bytes durably (the row stays, recording when). Erasing twice keeps the
    /// first time. With secure_delete on, the old bytes are zeroed in the database file; the
    /// WAL is then checkpointed and truncated so its copy of the page goes too (best effort: a
    /// long-running reader can keep the checkpoint from completing until a later one). The
    /// journal's segments are then overwritten and removed (`absorbJournal(wipe:)`).
    public func eraseDataKey(keyID: String, at time: Date = Date(), because reason: String = "erasure") throws {
        _ = try leafCount
        if let sharedLog {
            // Kept only in the shared store: no instance's index ever held the key.
            guard try sharedLog.eraseDataKey(keyID: keyID, at: time, because: reason) else {
                throw LedgerStoreError.dataKeyUnknown(keyID: keyID)
            }
            return
        }
        let erasedAt = UTCTimestamp.string(from: time) ?? UTCTimestamp.string(from: Date())!
        try writeDatabase { db in
            try db.execute(sql: """
                UPDATE data_keys SET wrapped = NULL, erased_at = COALESCE(erased_at, ?), erased_because = COALESCE(erased_because, ?)
                WHERE key_id = ?
                """, arguments: [erasedAt, reason, keyID])
            guard db.changesCount > 0 else { throw LedgerStoreError.dataKeyUnknown(keyID: keyID) }
        }
        try? database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        // The journal may still hold the wrapped key, as written with the session's first entry.
        try absorbJournal(wipe: true)
    }

    /// Keys still present that were created before `cutoff` (for retention), oldest first.
    public func dataKeys(createdBefore cutoff: Date) throws -> [LedgerDataKey] {
        _ = try leafCount
        if let sharedLog { return try sharedLog.dataKeys(createdBefore: cutoff) }
        let cutoffText = UTCTimestamp.string(from: cutoff) ?? ""
        return try readDatabase { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.dataKeyColumns) FROM data_keys WHERE wrapped IS NOT NULL AND created_at < ? ORDER BY created_at
                """, arguments: [cutoffText]).map(Self.dataKey)
        }
    }

    static let dataKeyColumns = "key_id, wrapped, connection, created_at, erased_at, erased_because"

    static func dataKey(_ row: Row) -> LedgerDataKey {
        let wrapped: Data? = row[1]
        let createdAt: String = row[3]
        let erasedAt: String? = row[4]
        return LedgerDataKey(keyID: row[0], wrapped: wrapped.map { Array($0) }, connection: row[2],
                             createdAt: UTCTimestamp.date(from: createdAt), erasedAt: erasedAt.flatMap(UTCTimestamp.date),
                             erasedBecause: row[5])
    }

    func writeDatabase(_ body: (Database) throws -> Void) throws {
        try index.waitUntilApplied(tree.committed().leafCount)
        do {
            try database.write(body)
        } catch let error as DatabaseError {
            throw LedgerStoreError.database(StoreFailure.describe(error))
        }
    }
}
