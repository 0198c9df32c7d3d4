import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Logging

/// The evidence ledger's durable store: an append-only log of opaque entries in SQLite with the
/// Merkle tree over them (schema: `LedgerSchema`), checkpoints, data keys and a subject index.
///
/// Appends are durable when they complete (WAL, synchronous=FULL) and group-committed
/// (`GroupCommitBatcher`): concurrent callers share one transaction and one fsync. Several
/// processes may append to one file (the gateway, and `gatehouse audit erase`): each batch
/// picks up what another process appended before it (`LedgerBatchWriter`). A batch is one transaction holding its entries, leaf hashes and every node they
/// complete, so a crash keeps all of a batch or none of it; the in-memory frontier moves only
/// after COMMIT. Opening re-verifies the whole stored tree against the entries
/// (`LedgerIntegrityCheck`) and refuses a store that does not match, naming the first bad index.
public final class SQLiteLedgerStore: @unchecked Sendable {
    let database: DatabasePool
    let tree: LedgerTreeState
    private let queue: GroupCommitBatcher<[LedgerPendingEntry], LedgerAppend>
    private let logger: Logger

    /// Opens (creating if needed) the ledger at `path` and verifies it (O(n): every entry is
    /// re-hashed). Throws `LedgerStoreError` for a store whose tree does not match its entries.
    public convenience init(path: String, logger: Logger) throws {
        try self.init(path: path, logger: logger, beforeCommit: nil)
    }

    /// `beforeCommit` runs on the writer before each transaction; tests use it to hold the
    /// writer so callers pile up.
    init(path: String, logger: Logger, beforeCommit: (@Sendable () -> Void)?) throws {
        let database: DatabasePool
        let frontier: MerkleFrontier
        do {
            database = try DurableDatabase.open(path: path, label: "gatehouse.ledger", secureDelete: true, schema: LedgerSchema.create)
            frontier = try database.read { db in try LedgerIntegrityCheck.verify(db) }
        } catch let error as LedgerStoreError {
            logger.error("ledger store refused", metadata: ["path": "\(path)", "error": "\(error)"])
            throw error
        } catch {
            throw LedgerStoreError.database("cannot open the ledger at \(path): \(StoreFailure.describe(error))")
        }
        let tree = LedgerTreeState(frontier: frontier)
        self.database = database
        self.tree = tree
        self.logger = logger
        queue = GroupCommitBatcher(
            commit: { calls in
                beforeCommit?()
                return try Self.commit(calls, database: database, tree: tree)
            },
            reportFailure: { error, callers, _ in
                logger.error("ledger commit failed; the entries it covered are refused",
                             metadata: ["error": "\(StoreFailure.describe(error))", "callers": "\(callers)"])
            },
            writerLabel: "gatehouse.ledger.writer", closedMessage: "the ledger store is closed",
            failureMessage: "ledger entries were not appended")
        logger.info("ledger store open", metadata: ["path": "\(path)", "tree_size": "\(frontier.leafCount)"])
    }

    /// Durably appends the entries, in order and contiguously (group commit: concurrent callers
    /// share one transaction), then calls `completion` on any thread. Fails with
    /// `RecordingError` when they were not committed: then none of them is in the log.
    public func append(_ entries: [LedgerAppendEntry], completion: @escaping @Sendable (Result<LedgerAppend, Error>) -> Void) {
        guard !entries.isEmpty else {
            return completion(Result { try self.currentAppend() })
        }
        // Leaf hashes are computed here, on the caller's thread, not on the single writer.
        queue.submit([entries.map(LedgerPendingEntry.init)]) { result in
            completion(result.map { $0[0] })
        }
    }

    /// `append(_:completion:)` for entries that touch no recorded subject.
    public func append(_ entries: [[UInt8]], completion: @escaping @Sendable (Result<LedgerAppend, Error>) -> Void) {
        append(entries.map { LedgerAppendEntry(bytes: $0) }, completion: completion)
    }

    /// Durably appends the entries, blocking the calling thread until they are committed.
    /// Not for event-loop threads: use the completion form there.
    @discardableResult
    public func append(_ entries: [LedgerAppendEntry]) throws -> LedgerAppend {
        let outcome = LedgerAppendOutcome()
        append(entries) { outcome.finish($0) }
        return try outcome.wait()
    }

    @discardableResult
    public func append(_ entries: [[UInt8]]) throws -> LedgerAppend {
        try append(entries.map { LedgerAppendEntry(bytes: $0) })
    }

    /// Lets queued appends finish committing, then closes the database. Later appends fail
    /// with `RecordingError`, later reads with `LedgerStoreError.closed`.
    public func close() {
        queue.close()
        tree.close()
        do {
            try database.close()
        } catch {
            logger.error("closing the ledger store failed", metadata: ["error": "\(StoreFailure.describe(error))"])
        }
    }

    /// Transactions committed so far: one WAL fsync each (benchmarks report it; tests check batching).
    public var committedTransactionCount: Int { queue.committedTransactionCount }
    var failedTransactionCount: Int { queue.failedTransactionCount }
    var waitingCallerCount: Int { queue.waitingCallerCount }

    /// The writer connection, for tests that break the schema or tamper with rows.
    func withWriterConnection<T>(_ body: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction(body)
    }

    /// What an empty append reports: nothing added, the log as it is.
    private func currentAppend() throws -> LedgerAppend {
        let frontier = try tree.committed()
        return LedgerAppend(firstIndex: frontier.leafCount, treeSize: frontier.leafCount, rootHash: frontier.rootHash)
    }

    /// The writer's work for one batch: one transaction, then the new frontier.
    private static func commit(_ calls: [[LedgerPendingEntry]], database: DatabasePool,
                               tree: LedgerTreeState) throws -> [LedgerAppend] {
        let before = try tree.frontierForWriting()
        do {
            let written = try database.writeWithoutTransaction { db in
                var written: (appends: [LedgerAppend], frontier: MerkleFrontier)?
                try db.inTransaction(.immediate) {
                    written = try LedgerBatchWriter.write(calls, after: before, in: db)
                    return .commit
                }
                return written!
            }
            tree.adopt(written.frontier)
            return written.appends
        } catch {
            // Normally the transaction rolled back and disk still ends where memory does. If it
            // cannot be shown to (a failed COMMIT whose outcome is unknown), stop appending.
            let onDisk = try? database.read { db in
                try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries")
            }
            if onDisk != Int64(before.leafCount) {
                tree.markBroken("after a failed commit the log holds \(onDisk.map(String.init) ?? "an unknown number of") entries, not \(before.leafCount)")
            }
            throw error
        }
    }
}
