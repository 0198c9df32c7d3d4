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
    private let settings: PostgresStoreSettings
    private let logger: Logger
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// Longest wait for one answer before the connection is given up (a store that hangs
    /// rather than refuses): appends then fail, and clients get the gateway's error.
    private let answerTimeout: DispatchTimeInterval
    // Everything below `lock` is guarded by it: one operation at a time on `connection`.
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private var closed = false
    private var nextConnectionID = 1

    /// Connects and creates the tables if they are missing. Throws `LedgerStoreError.database`
    /// with the store's own reason when it cannot.
    public init(settings: PostgresStoreSettings, logger: Logger, answerTimeout: DispatchTimeInterval = .seconds(15)) throws {
        self.settings = settings
        self.logger = logger
        self.answerTimeout = answerTimeout
        try withConnection { connection in
            try run(connection, "BEGIN")
            do {
                for statement in PostgresLedgerSchema.create { try run(connection, statement) }
                let version = try query(connection, "SELECT version FROM gatehouse_schema WHERE component = 'ledger'").first?.decode(Int.self)
                guard version == PostgresLedgerSchema.version else {
                    throw LedgerStoreError.database("the shared ledger store \(description) has layout version \(version.map(String.init) ?? "none"), "
                                                    + "this Gatehouse reads version \(PostgresLedgerSchema.version)")
                }
                try run(connection, "COMMIT")
            } catch {
                try? run(connection, "ROLLBACK")
                throw error
            }
        }
    }

    public var description: String { "postgres://\(settings.description)" }

    public func close() {
        lock.withLock {
            closed = true
            if let connection { _ = try? wait(connection.close()) }
            connection = nil
        }
        try? group.syncShutdownGracefully()
    }

    // MARK: LedgerSharedLog

    public func append(_ record: LedgerSharedRecord, newDataKeys: [LedgerNewDataKey]) throws -> Bool {
        try withConnection { connection in
            // Without new keys (most group commits), one statement: one round trip and one commit.
            guard !newDataKeys.isEmpty else { return try appendRecord(record, on: connection) }
            try run(connection, "BEGIN")
            do {
                for key in newDataKeys where try !insert(key, on: connection) {
                    guard let stored = try query(connection, """
                        SELECT \(unescaped: Self.dataKeyColumns) FROM gatehouse_ledger_data_keys WHERE key_id = \(key.keyID)
                        """).first.map(Self.dataKey) else { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
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
        try withConnection { connection in
            try query(connection, "SELECT \(unescaped: Self.dataKeyColumns) FROM gatehouse_ledger_data_keys WHERE key_id = \(keyID)")
                .first.map(Self.dataKey)
        }
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
            let stored = try query(connection, """
                SELECT \(unescaped: Self.dataKeyColumns) FROM gatehouse_ledger_data_keys WHERE key_id = \(key.keyID)
                """).first.map(Self.dataKey)
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

    private static let dataKeyColumns = "key_id, wrapped, connection, created_at, erased_at, erased_because"

    private static func dataKey(_ row: PostgresRow) throws -> LedgerDataKey {
        let (keyID, wrapped, connection, createdAt, erasedAt, erasedBecause) =
            try row.decode((String, ByteBuffer?, String?, String, String?, String?).self)
        return LedgerDataKey(keyID: keyID, wrapped: wrapped.map { Array(buffer: $0) }, connection: connection,
                             createdAt: UTCTimestamp.date(from: createdAt), erasedAt: erasedAt.flatMap(UTCTimestamp.date),
                             erasedBecause: erasedBecause)
    }

    // MARK: The connection

    /// Runs `body` on the connection (made now if there is none). A failure that leaves the
    /// connection unusable drops it; every failure becomes a `LedgerStoreError` naming the store.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try lock.withLock {
            guard !closed else { throw LedgerStoreError.closed }
            let connection: PostgresConnection
            if let existing = self.connection, !existing.isClosed {
                connection = existing
            } else {
                connection = try connect()
                self.connection = connection
            }
            do {
                return try body(connection)
            } catch let error as LedgerStoreError {
                throw error
            } catch {
                // The server refusing a statement leaves the connection usable; anything else may not.
                if connection.isClosed || (error as? PSQLError)?.code != .server {
                    _ = try? wait(connection.close())
                    self.connection = nil
                }
                throw LedgerStoreError.database("the shared ledger store \(description): \(Self.describe(error))")
            }
        }
    }

    /// The first host that answers and is a primary: after a failover the promoted standby is
    /// found, and a standby that has not been promoted is never written to.
    private func connect() throws -> PostgresConnection {
        var reasons: [String] = []
        for host in settings.hosts {
            let name = PostgresStoreSettings.name(host)
            let connection: PostgresConnection
            do {
                let id = nextConnectionID
                nextConnectionID += 1
                connection = try wait(PostgresConnection.connect(on: group.next(),
                                                                 configuration: settings.connectionConfiguration(host: host.host, port: host.port),
                                                                 id: id, logger: logger))
            } catch {
                reasons.append("\(name): \(Self.describe(error))")
                continue
            }
            do {
                let standby = try query(connection, "SELECT pg_is_in_recovery()").first?.decode(Bool.self) ?? true
                guard !standby else {
                    _ = try? wait(connection.close())
                    reasons.append("\(name): a standby (in recovery)")
                    continue
                }
                // A lock another instance holds too long, or a statement the server sits on, fails
                // the append (clients get an error) instead of holding every client forever.
                try run(connection, "SET lock_timeout = '5s'")
                try run(connection, "SET statement_timeout = '10s'")
                if settings.hosts.count > 1 { logger.info("shared ledger store connected", metadata: ["host": "\(name)"]) }
                return connection
            } catch {
                _ = try? wait(connection.close())
                reasons.append("\(name): \(Self.describe(error))")
            }
        }
        throw LedgerStoreError.database("cannot reach a primary of the shared ledger store \(description): \(reasons.joined(separator: "; "))")
    }

    private func run(_ connection: PostgresConnection, _ statement: PostgresQuery) throws {
        _ = try wait(connection.query(statement, logger: logger))
    }

    private func query(_ connection: PostgresConnection, _ statement: PostgresQuery) throws -> [PostgresRow] {
        Array(try wait(connection.query(statement, logger: logger)).rows)
    }

    /// The future's value, or a timeout error after `answerTimeout`.
    private func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        future.whenComplete { result in
            box.result = result
            semaphore.signal()
        }
        guard semaphore.wait(timeout: .now() + answerTimeout) == .success, let result = box.result else {
            throw StoreTimeout()
        }
        return try result.get()
    }

    /// The store's reason, without anything a caller sent (PSQLError's own description hides it all).
    static func describe(_ error: Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + state
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if error is StoreTimeout { return "no answer in time" }
        return "\(error)"
    }
}

private struct StoreTimeout: Error {}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
