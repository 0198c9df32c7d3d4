import Foundation
import GRDB
import GatehouseCore
import Logging

/// The write-ahead event log in SQLite (schema: `EventSchema`).
///
/// The gateway records each statement before forwarding it, from many connections at once,
/// so `record` must be durable and fast: the database runs in WAL mode with
/// `synchronous=FULL` (a returned `record` survives power loss), and concurrent calls are
/// group-committed (`GroupCommitQueue`), one transaction and one fsync per batch.
public final class SQLiteEventStore: EventRecorder, Sendable {
    private let database: DatabasePool
    private let queue: GroupCommitQueue
    private let logger: Logger

    /// Opens (creating if needed) the database at `path`, its parent directories and the schema.
    public convenience init(path: String, logger: Logger) throws {
        try self.init(path: path, logger: logger, beforeCommit: nil)
    }

    /// `beforeCommit` runs on the writer before each transaction, with the 1-based batch
    /// number; tests use it to hold the writer so callers pile up.
    init(path: String, logger: Logger, beforeCommit: (@Sendable (Int) -> Void)?) throws {
        let database = try Self.open(path: path)
        self.database = database
        self.logger = logger
        let batchCounter = BatchCounter()
        queue = GroupCommitQueue(
            commit: { rows in
                beforeCommit?(batchCounter.next())
                return try Self.insert(rows, into: database)
            },
            reportFailure: { error, callers, events in
                logger.error(
                    "event commit failed; the statements it covered are refused",
                    metadata: ["error": "\(EventStoreFailure.describe(error))", "callers": "\(callers)", "events": "\(events)"])
            })
        logger.info("event store open", metadata: ["path": "\(path)"])
    }

    /// Durably appends the events, in order (group commit: concurrent callers share one
    /// transaction). Completes with `RecordingError` when they were not committed; the caller
    /// must then not act. JSON encoding happens on the caller's thread.
    public func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void) {
        guard !events.isEmpty else { return completion(.success([])) }
        let rows: [EventRow]
        do {
            rows = try events.map(EventRow.init)
        } catch {
            return completion(.failure(error))
        }
        queue.submit(rows, completion: completion)
    }

    /// Events in append order with `seq > afterSequence`, optionally of one session only.
    public func events(sessionID: String? = nil, afterSequence: Int64 = 0, limit: Int = 1000) throws -> [StoredEvent] {
        guard !queue.isClosed else { throw EventStoreError("the event store is closed") }
        guard limit > 0 else { return [] }
        let rows: [(Int64, String)]
        do {
            rows = try database.read { db in
                let statement = try db.cachedStatement(
                    sql: sessionID == nil
                        ? "SELECT seq, event FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
                        : "SELECT seq, event FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?")
                let arguments: StatementArguments = sessionID.map { [$0, afterSequence, limit] } ?? [afterSequence, limit]
                return try Row.fetchAll(statement, arguments: arguments).map { ($0["seq"], $0["event"]) }
            }
        } catch {
            throw EventStoreError("cannot read events: \(EventStoreFailure.describe(error))")
        }
        return try rows.map { sequence, json in
            do {
                return StoredEvent(sequence: sequence, event: try EventJSON.decode(json))
            } catch {
                throw EventStoreError("event \(sequence) cannot be decoded")
            }
        }
    }

    /// Lets queued events finish committing, then closes the database. Later `record` calls
    /// throw `RecordingError`, later reads `EventStoreError`.
    public func close() {
        queue.close()
        do {
            try database.close()
        } catch {
            logger.error("closing the event store failed", metadata: ["error": "\(EventStoreFailure.describe(error))"])
        }
    }

    /// Transactions committed so far.
    var committedTransactionCount: Int { queue.committedTransactionCount }
    var waitingCallerCount: Int { queue.waitingCallerCount }

    /// The writer connection, for tests that inspect its settings or break the schema.
    func withWriterConnection<T>(_ body: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction(body)
    }

    private static func open(path: String) throws -> DatabasePool {
        do {
            return try DurableDatabase.open(path: path, label: "gatehouse.events", schema: EventSchema.create)
        } catch {
            throw EventStoreError("cannot open the event store at \(path): \(EventStoreFailure.describe(error))")
        }
    }

    private static func insert(_ rows: [EventRow], into database: DatabasePool) throws -> [Int64] {
        try database.writeWithoutTransaction { db in
            var sequences: [Int64] = []
            sequences.reserveCapacity(rows.count)
            try db.inTransaction(.immediate) {
                let statement = try db.cachedStatement(sql: EventSchema.insert)
                for row in rows {
                    try statement.execute(arguments: row.insertArguments)
                    sequences.append(db.lastInsertedRowID)
                }
                return .commit
            }
            return sequences
        }
    }
}

/// Numbers the writer's batches for `beforeCommit` (used by the writer only; locked so it
/// is safely Sendable).
private final class BatchCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.withLock {
            count += 1
            return count
        }
    }
}
