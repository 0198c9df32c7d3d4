import Foundation
import GatehouseCore
import GatehouseStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The ledger's shared log in PostgreSQL (docs/deployment.md): several gateway instances append
/// to one log, each group commit one record committed in PostgreSQL (claiming the next index:
/// an instance that finds it taken catches up and tries again) before any caller is told (so the write-ahead rule holds across instances, and what the
/// server's replication guarantees, an acknowledged event has too).
///
/// Tables (`PostgresLedgerSchema`): `gatehouse_ledger_head` (one row: the log's size; each
/// append moves it), `gatehouse_ledger_records` (the records) and `gatehouse_ledger_data_keys` (wrapped
/// data keys, kept beside the records so erasing one rewrites no record).
///
/// Callers block (the ledger's writer thread, audit commands, the web UI's readers); the
/// connection runs on an event loop of its own, so no caller ever waits on the loop it is on.
/// One connection, one operation at a time; a broken connection is dropped and the next
/// operation connects again, so the gateway recovers by itself when the store returns.
public final class PostgresLedgerLog: LedgerSharedLog, @unchecked Sendable {
    private let store: PostgresStoreConnection
    private var settings: PostgresStoreSettings { store.settings }

    /// Connects and creates the tables if they are missing. Throws `LedgerStoreError.database`
    /// with the store's own reason when it cannot.
    public init(settings: PostgresStoreSettings, logger: Logger, answerTimeout: DispatchTimeInterval = .seconds(15)) throws {
        store = PostgresStoreConnection(settings: settings, label: "shared ledger store", logger: logger, answerTimeout: answerTimeout)
        try store.createSchema(component: "ledger", version: PostgresLedgerSchema.version, lockID: PostgresLedgerSchema.lockID,
                               PostgresLedgerSchema.create)
    }

    public var description: String { store.description }

    public func close() {
        store.close()
    }

    // MARK: LedgerSharedLog

    public func append(_ record: LedgerSharedRecord, newDataKeys: [LedgerNewDataKey]) throws -> Bool {
        try withConnection { connection in
            // Without new keys (most group commits), one statement: one round trip and one commit.
            guard !newDataKeys.isEmpty else { return try appendRecord(record, on: connection) }
            try run(connection, "BEGIN")
            do {
                for key in newDataKeys where try !insert(key, on: connection) {
                    guard let stored = try storedDataKey(key.keyID, on: connection) else {
                        throw LedgerStoreError.dataKeyExists(keyID: key.keyID)
                    }
                    // The recorder offers a session's key until an append carrying it commits: the same
                    // bytes again are fine; other bytes would seal entries under a key that is not stored.
                    if stored.erasedAt == nil && stored.wrapped != key.wrapped { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
                }
                guard try appendRecord(record, on: connection) else {
                    try run(connection, "ROLLBACK")
                    return false
                }
                try run(connection, "COMMIT")
                return true
            } catch {
                // A ROLLBACK that fails leaves the connection unusable: dropped by withConnection.
                try? run(connection, "ROLLBACK")
                throw error
            }
        }
    }

    /// Moves the head from the record's first index to its end and inserts the record, in one
    /// statement; nothing when the head is elsewhere. The head's row lock serialises instances:
    /// one waiting behind another's commit re-reads the head afterwards and finds it moved.
    private func appendRecord(_ record: LedgerSharedRecord, on connection: PostgresConnection) throws -> Bool {
        try !query(connection, """
            WITH head AS (
                UPDATE gatehouse_ledger_head SET log_size = \(Int64(record.endIndex))
                WHERE id = 1 AND log_size = \(Int64(record.firstIndex)) RETURNING log_size)
            INSERT INTO gatehouse_ledger_records (first_index, entry_count, record, root_after, appended_by)
            SELECT \(Int64(record.firstIndex)), \(Int32(record.entryCount)), \(ByteBuffer(bytes: record.bytes)),
                   \(ByteBuffer(bytes: record.rootAfter)), \(settings.instanceName) FROM head
            RETURNING first_index
            """).isEmpty
    }

    public func size() throws -> UInt64 {
        try withConnection { connection in
            guard let size = try query(connection, "SELECT log_size FROM gatehouse_ledger_head WHERE id = 1").first?.decode(Int64.self) else {
                throw LedgerStoreError.database("the shared log's head row is missing in \(description)")
            }
            return UInt64(size)
        }
    }

    public func records(from index: UInt64, limit: Int) throws -> [LedgerSharedRecord] {
        try withConnection { try records(from: index, limit: limit, on: $0) }
    }

    public func root(atSize size: UInt64) throws -> [UInt8]? {
        try withConnection { try root(atSize: size, on: $0) }
    }

    public func dataKey(keyID: String) throws -> LedgerDataKey? {
        try withConnection { try storedDataKey(keyID, on: $0) }
    }

    public func storeDataKey(_ key: LedgerNewDataKey) throws {
        try withConnection { connection in
            guard try insert(key, on: connection) else { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
        }
    }

    public func copyDataKey(_ key: LedgerDataKey) throws {
        try withConnection { connection in
            let createdAt = key.createdAt.flatMap(UTCTimestamp.string(from:)) ?? ""
            let erasedAt = key.erasedAt.flatMap(UTCTimestamp.string(from:))
            let inserted = try !query(connection, """
                INSERT INTO gatehouse_ledger_data_keys (key_id, wrapped, connection, created_at, erased_at, erased_because)
                VALUES (\(key.keyID), \(key.wrapped.map { ByteBuffer(bytes: $0) }), \(key.connection), \(createdAt), \(erasedAt),
                        \(key.erasedBecause))
                ON CONFLICT (key_id) DO NOTHING RETURNING key_id
                """).isEmpty
            guard !inserted else { return }
            let stored = try storedDataKey(key.keyID, on: connection)
            guard stored?.wrapped == key.wrapped, (stored?.erasedAt == nil) == (key.erasedAt == nil) else {
                throw LedgerStoreError.dataKeyExists(keyID: key.keyID)
            }
        }
    }

    public func eraseDataKey(keyID: String, at time: Date, because reason: String) throws -> Bool {
        let erasedAt = UTCTimestamp.string(from: time) ?? UTCTimestamp.string(from: Date())!
        return try withConnection { connection in
            let rows = try query(connection, """
                UPDATE gatehouse_ledger_data_keys SET wrapped = NULL, erased_at = COALESCE(erased_at, \(erasedAt)),
                    erased_because = COALESCE(erased_because, \(reason))
                WHERE key_id = \(keyID) RETURNING key_id
                """)
            return !rows.isEmpty
        }
    }

    public func dataKeys(createdBefore cutoff: Date) throws -> [LedgerDataKey] {
        let cutoffText = UTCTimestamp.string(from: cutoff) ?? ""
        return try withConnection { connection in
            try query(connection, """
                SELECT \(unescaped: Self.dataKeyColumns) FROM gatehouse_ledger_data_keys
                WHERE wrapped IS NOT NULL AND created_at < \(cutoffText) ORDER BY created_at
                """).map(Self.dataKey)
        }
    }

    public func storeCheckpoint(_ checkpoint: LedgerStoredCheckpoint) throws {
        let signedAt = UTCTimestamp.string(from: checkpoint.signedAt) ?? ""
        try withConnection { connection in
            try run(connection, """
                INSERT INTO gatehouse_ledger_checkpoints (tree_size, note, signed_at, signed_by)
                VALUES (\(Int64(checkpoint.treeSize)), \(checkpoint.note), \(signedAt), \(settings.instanceName))
                ON CONFLICT (tree_size) DO NOTHING
                """)
        }
    }

    public func checkpoints(above treeSize: UInt64) throws -> [LedgerStoredCheckpoint] {
        try withConnection { connection in
            try query(connection, """
                SELECT tree_size, note, signed_at FROM gatehouse_ledger_checkpoints WHERE tree_size > \(Int64(treeSize)) ORDER BY tree_size
                """).map { row in
                let (size, note, signedAt) = try row.decode((Int64, String, String).self)
                guard let time = UTCTimestamp.date(from: signedAt) else {
                    throw LedgerStoreError.database("the checkpoint at tree size \(size) in \(description) has no valid signing time")
                }
                return LedgerStoredCheckpoint(treeSize: UInt64(size), note: note, signedAt: time)
            }
        }
    }

    public func claimRetention() throws -> Bool {
        try withConnection { connection in
            try query(connection, "SELECT pg_try_advisory_lock(\(PostgresLedgerSchema.retentionLockID))").first?.decode(Bool.self) ?? false
        }
    }

    public func releaseRetention() {
        // On a connection made since the claim, this unlocks nothing: the claim ended with the old one.
        _ = try? withConnection { connection in
            try run(connection, "SELECT pg_advisory_unlock(\(PostgresLedgerSchema.retentionLockID))")
        }
    }

    public func claimMasterKey(fingerprint: [UInt8]) throws {
        try withConnection { connection in
            try run(connection, """
                INSERT INTO gatehouse_ledger_settings VALUES ('master_key_fingerprint', \(ByteBuffer(bytes: fingerprint)))
                ON CONFLICT (name) DO NOTHING
                """)
            let stored = try query(connection, "SELECT value FROM gatehouse_ledger_settings WHERE name = 'master_key_fingerprint'")
                .first.map { Array(buffer: try $0.decode(ByteBuffer.self)) }
            guard stored == fingerprint else {
                throw LedgerStoreError.database(
                    "the shared ledger store \(description) holds data keys wrapped under another master key: every instance needs the "
                    + "same ledger.master_key_env or ledger.master_key_file")
            }
        }
    }

    // MARK: Queries

    private func records(from index: UInt64, limit: Int, on connection: PostgresConnection) throws -> [LedgerSharedRecord] {
        try query(connection, """
            SELECT first_index, entry_count, record, root_after FROM gatehouse_ledger_records
            WHERE first_index >= \(Int64(index)) ORDER BY first_index LIMIT \(limit)
            """).map { row in
            let (first, count, record, root) = try row.decode((Int64, Int32, ByteBuffer, ByteBuffer).self)
            return LedgerSharedRecord(firstIndex: UInt64(first), entryCount: Int(count), bytes: Array(buffer: record),
                                      rootAfter: Array(buffer: root))
        }
    }

    private func root(atSize size: UInt64, on connection: PostgresConnection) throws -> [UInt8]? {
        try query(connection, """
            SELECT root_after FROM gatehouse_ledger_records WHERE first_index + entry_count = \(Int64(size))
            """).first.map { Array(buffer: try $0.decode(ByteBuffer.self)) }
    }

    /// True when stored now; false when the ID was already there.
    private func insert(_ key: LedgerNewDataKey, on connection: PostgresConnection) throws -> Bool {
        let createdAt = UTCTimestamp.string(from: key.createdAt) ?? ""
        return try !query(connection, """
            INSERT INTO gatehouse_ledger_data_keys (key_id, wrapped, connection, created_at)
            VALUES (\(key.keyID), \(ByteBuffer(bytes: key.wrapped)), \(key.connection), \(createdAt))
            ON CONFLICT (key_id) DO NOTHING RETURNING key_id
            """).isEmpty
    }

    private func storedDataKey(_ keyID: String, on connection: PostgresConnection) throws -> LedgerDataKey? {
        try query(connection, "SELECT \(unescaped: Self.dataKeyColumns) FROM gatehouse_ledger_data_keys WHERE key_id = \(keyID)")
            .first.map(Self.dataKey)
    }

    private static let dataKeyColumns = "key_id, wrapped, connection, created_at, erased_at, erased_because"

    private static func dataKey(_ row: PostgresRow) throws -> LedgerDataKey {
        let (keyID, wrapped, connection, createdAt, erasedAt, erasedBecause) =
            try row.decode((String, ByteBuffer?, String?, String, String?, String?).self)
        return LedgerDataKey(keyID: keyID, wrapped: wrapped.map { Array(buffer: $0) }, connection: connection,
                             createdAt: UTCTimestamp.date(from: createdAt), erasedAt: erasedAt.flatMap(UTCTimestamp.date),
                             erasedBecause: erasedBecause)
    }

    // MARK: The connection

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try store.withConnection(body)
    }

    private func run(_ connection: PostgresConnection, _ statement: PostgresQuery) throws {
        try store.run(connection, statement)
    }

    private func query(_ connection: PostgresConnection, _ statement: PostgresQuery) throws -> [PostgresRow] {
        try store.query(connection, statement)
    }
}
