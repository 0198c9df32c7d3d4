import GatehouseCore
import Foundation
import GRDB

/// Wrapped data keys, by ID: stored once, erased for good (crypto-shredding). The store only
/// keeps bytes; wrapping and unwrapping belong to the caller.
extension SQLiteLedgerStore {
    /// Stores a new key. Refused when the ID exists, erased or not: a key is never replaced,
    /// or what it encrypted could silently become unreadable (or an erasure undone).
    public func storeDataKey(keyID: String, wrapped: [UInt8]) throws {
        _ = try leafCount
        try writeDatabase { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM data_keys WHERE key_id = ?", arguments: [keyID]) == nil else {
                throw LedgerStoreError.dataKeyExists(keyID: keyID)
            }
            try db.execute(sql: "INSERT INTO data_keys (key_id, wrapped, erased_at) VALUES (?, ?, NULL)",
                           arguments: [keyID, Data(wrapped)])
        }
    }

    /// The key, or nil when no key of that ID was ever stored.
    public func dataKey(keyID: String) throws -> LedgerDataKey? {
        _ = try leafCount
        return try readDatabase { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT wrapped, erased_at FROM data_keys WHERE key_id = ?", arguments: [keyID]) else {
                return nil
            }
            let wrapped: Data? = row[0]
            let erasedAt: String? = row[1]
            return LedgerDataKey(keyID: keyID, wrapped: wrapped.map { Array($0) }, erasedAt: erasedAt.flatMap(UTCTimestamp.date))
        }
    }

    /// Erases the key's bytes durably (the row stays, recording when). Erasing twice keeps the
    /// first time. With secure_delete on, the old bytes are zeroed in the database file; the
    /// WAL is then checkpointed and truncated so its copy of the page goes too (best effort: a
    /// long-running reader can keep the checkpoint from completing until a later one).
    public func eraseDataKey(keyID: String, at time: Date = Date()) throws {
        _ = try leafCount
        let erasedAt = UTCTimestamp.string(from: time) ?? UTCTimestamp.string(from: Date())!
        try writeDatabase { db in
            try db.execute(sql: "UPDATE data_keys SET wrapped = NULL, erased_at = COALESCE(erased_at, ?) WHERE key_id = ?",
                           arguments: [erasedAt, keyID])
            guard db.changesCount > 0 else { throw LedgerStoreError.dataKeyUnknown(keyID: keyID) }
        }
        try? database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    private func writeDatabase(_ body: (Database) throws -> Void) throws {
        do {
            try database.write(body)
        } catch let error as DatabaseError {
            throw LedgerStoreError.database(EventStoreFailure.describe(error))
        }
    }
}
