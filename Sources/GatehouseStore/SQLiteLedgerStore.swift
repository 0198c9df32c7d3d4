import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Logging

/// The evidence ledger's durable store: an append-only log of opaque entries with the Merkle
/// tree over them, checkpoints, data keys and a subject index.
///
/// An append is durable when it completes: each group commit (`GroupCommitBatcher`: concurrent
/// callers share one write) is one record in the journal (`LedgerJournal`), made durable with one
/// `fdatasync`, and all of a batch or none of it survives a crash. SQLite (schema: `LedgerSchema`;
/// WAL, synchronous=FULL) is where every reader looks: `LedgerIndexApplier` writes the journal's
/// batches into it off the appenders' path, and reads wait until it holds every entry appended
/// before they began. Segments SQLite holds entirely are removed; opening (and closing) absorbs
/// whatever the journal still holds, so a crash between the two loses nothing.
///
/// Several processes may append to one ledger (the gateway, and `gatehouse audit erase`): the
/// journal's lock orders them, and a process that finds another's work there catches up from
/// disk before its next batch. Opening re-verifies the whole stored tree against the entries
/// (`LedgerIntegrityCheck`) and refuses a store that does not match, naming the first bad index.
///
/// With a shared log (`LedgerSharedLog`: several gateway instances on one PostgreSQL store), the
/// shared log takes the journal's place: a group commit is durable once the shared log committed
/// it, and SQLite is this instance's index of everything every instance appended
/// (`SQLiteLedgerStore+SharedLog`).
public final class SQLiteLedgerStore: @unchecked Sendable {
    let database: DatabasePool
    let tree: LedgerTreeState
    let index: LedgerIndexApplier
    /// Nil with a shared log.
    private let journal: LedgerJournal!
    /// Where appends become durable when several instances share the ledger; nil for a journal.
    let sharedLog: (any LedgerSharedLog)?
    let derivedClassificationObserver = DerivedClassificationObserver()
    /// Guards `journal` and `journalEpoch` (or the shared log's catch-up) within this process
    /// (the journal's lock is per process).
    let journalLock = NSLock()
    private var journalEpoch: UInt64 = 0
    private var isClosed = false
    /// Data keys this process journaled that SQLite may not hold yet (ID, bytes, entry index).
    private var journaledKeys: [String: (wrapped: [UInt8], index: UInt64)] = [:]
    private var queue: GroupCommitBatcher<[LedgerPendingEntry], LedgerAppend>!
    private let logger: Logger

    /// Opens (creating if needed) the ledger at `path` and verifies it (O(n): every entry is
    /// re-hashed). Throws `LedgerStoreError` for a store whose tree does not match its entries.
    public convenience init(path: String, logger: Logger) throws {
        try self.init(path: path, logger: logger, beforeCommit: nil)
    }

    /// Opens the local index at `path` of the ledger whose durable log is `sharedLog`, catching
    /// up with everything the shared log holds beyond it. Refuses an index the shared log
    /// does not account for (another store's, or a log that was changed).
    public convenience init(path: String, sharedLog: any LedgerSharedLog, logger: Logger) throws {
        try self.init(path: path, logger: logger, beforeCommit: nil, sharedLog: sharedLog)
    }

    /// `beforeCommit` runs on the writer before each journal write; tests use it to hold the
    /// writer so callers pile up. `segmentLimit`: journal segments are rotated past this size.
    init(path: String, logger: Logger, beforeCommit: (@Sendable () -> Void)?, segmentLimit: Int = 8 << 20,
         sharedLog: (any LedgerSharedLog)? = nil) throws {
        let database: DatabasePool
        let journal: LedgerJournal?
        var frontier: MerkleFrontier
        var epoch: UInt64 = 0
        do {
            database = try DurableDatabase.open(path: path, label: "gatehouse.ledger", secureDelete: true, schema: LedgerSchema.create)
            if let sharedLog {
                journal = nil
                frontier = try database.read { db in try LedgerIntegrityCheck.verify(db) }
                frontier = try Self.openIndex(LedgerIndexApplier(database: database, frontier: frontier), of: sharedLog)
            } else {
                let opened = try LedgerJournal(directory: path + ".journal", segmentLimit: segmentLimit)
                journal = opened
                // What the journal holds beyond SQLite (a crash before it was applied) goes in first.
                let absorbed = try opened.withExclusiveLock {
                    try Self.absorb(opened, into: LedgerIndexApplier(database: database, frontier: MerkleFrontier()), wipe: false)
                }
                epoch = absorbed.epoch
                frontier = try database.read { db in try LedgerIntegrityCheck.verify(db) }
            }
        } catch let error as LedgerStoreError {
            logger.error("ledger store refused", metadata: ["path": "\(path)", "error": "\(error)"])
            throw error
        } catch {
            throw LedgerStoreError.database("cannot open the ledger at \(path): \(StoreFailure.describe(error))")
        }
        self.database = database
        self.journal = journal
        self.sharedLog = sharedLog
        self.tree = LedgerTreeState(frontier: frontier)
        self.index = LedgerIndexApplier(database: database, frontier: frontier)
        self.journalEpoch = epoch
        self.logger = logger
        queue = GroupCommitBatcher(
            commit: { [unowned self] calls in
                beforeCommit?()
                return try self.commit(calls)
            },
            reportFailure: { error, callers, _ in
                logger.error("ledger commit failed; the entries it covered are refused",
                             metadata: ["error": "\(StoreFailure.describe(error))", "callers": "\(callers)"])
            },
            writerLabel: "gatehouse.ledger.writer", closedMessage: "the ledger store is closed",
            failureMessage: "ledger entries were not appended")
        if sharedLog != nil {
            // What the other instances signed, so that checks at start and `audit verify` see it all.
            try takeInSharedCheckpoints()
        }
        logger.info("ledger store open", metadata: ["path": "\(path)", "tree_size": "\(frontier.leafCount)",
                                                    "shared_log": "\(sharedLog?.description ?? "none")"])
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

    /// Lets queued appends finish committing and SQLite take in the journal, then closes the
    /// database. Later appends fail with `RecordingError`, later reads with `LedgerStoreError.closed`.
    public func close() {
        guard journalLock.withLock({ () -> Bool in
            defer { isClosed = true }
            return !isClosed
        }) else { return }
        queue.close()
        index.waitUntilIdle()
        if let sharedLog {
            tree.close()
            sharedLog.close()
            closeDatabase()
            return
        }
        do {
            try absorbJournal(wipe: false)
        } catch {
            // Nothing is lost: the journal keeps what SQLite lacks, and the next open absorbs it.
            logger.error("closing the ledger left entries in its journal", metadata: ["error": "\(error)"])
        }
        tree.close()
        journalLock.withLock { journal.close() }
        closeDatabase()
    }

    private func closeDatabase() {
        do {
            try database.close()
        } catch {
            logger.error("closing the ledger store failed", metadata: ["error": "\(StoreFailure.describe(error))"])
        }
    }

    /// Why appends cannot succeed until the store is reopened (the index could not be updated,
    /// or disk and memory may disagree), or nil.
    public var unusableReason: String? {
        if let failure = index.failureReason { return failure.description }
        do {
            _ = try tree.frontierForWriting()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Group commits written so far: one journal fdatasync each (benchmarks report it; tests check batching).
    public var committedTransactionCount: Int { queue.committedTransactionCount }
    var failedTransactionCount: Int { queue.failedTransactionCount }
    var waitingCallerCount: Int { queue.waitingCallerCount }

    /// Tests: makes journal writes fail (after the record is written, before it is synced).
    func injectJournalFault(_ fault: ((LedgerJournalBatch) throws -> Void)?) {
        journalLock.withLock { journal?.faultAfterWrite = fault }
    }

    /// The writer connection, for tests that break the schema or tamper with rows (once SQLite
    /// holds every entry appended so far).
    func withWriterConnection<T>(_ body: (Database) throws -> T) throws -> T {
        try index.waitUntilApplied(tree.committed().leafCount)
        return try database.writeWithoutTransaction(body)
    }

    /// What an empty append reports: nothing added, the log as it is.
    private func currentAppend() throws -> LedgerAppend {
        let frontier = try tree.committed()
        return LedgerAppend(firstIndex: frontier.leafCount, treeSize: frontier.leafCount, rootHash: frontier.rootHash)
    }

    /// Applies every batch in the journal that SQLite lacks, then removes the journal's segments
    /// (with `wipe`, overwritten first: after an erasure, no copy of the key may stay in them).
    /// Other processes see the new epoch and catch up before their next batch.
    func absorbJournal(wipe: Bool) throws {
        guard sharedLog == nil else { return }  // nothing is journaled locally
        try journalLock.withLock {
            try journal.withExclusiveLock {
                journalEpoch = try Self.absorb(journal, into: index, wipe: wipe).epoch
                journaledKeys.removeAll()
            }
        }
    }

    /// Under the journal's lock: every segment into SQLite, then the segments removed and the
    /// shared state moved to a new epoch. Returns that state and SQLite's frontier.
    private static func absorb(_ journal: LedgerJournal, into index: LedgerIndexApplier,
                               wipe: Bool) throws -> (epoch: UInt64, frontier: MerkleFrontier) {
        let frontier = try index.apply(journal.readAllBatches())
        try journal.removeAllSegments(wipe: wipe)
        var state = try journal.readState()
        state = LedgerJournal.SharedState(logSize: frontier.leafCount, epoch: state.epoch &+ 1)
        try journal.writeState(state)
        return (state.epoch, frontier)
    }

    /// The writer's work for one batch: one journal record, then the new frontier. If another
    /// process appended or absorbed the journal since this one last wrote, SQLite takes in the
    /// journal first and the batch builds on what it then holds.
    private func commit(_ calls: [[LedgerPendingEntry]]) throws -> [LedgerAppend] {
        if let failure = index.failureReason { throw failure }
        index.waitForRoom()
        if let sharedLog { return try commitShared(calls, to: sharedLog) }
        var before = try tree.frontierForWriting()
        let (appends, batch, after) = try journalLock.withLock {
            try journal.withExclusiveLock {
                let state = try journal.readState()
                if state != LedgerJournal.SharedState(logSize: before.leafCount, epoch: journalEpoch) {
                    index.waitUntilIdle()
                    let absorbed = try Self.absorb(journal, into: index, wipe: false)
                    journalEpoch = absorbed.epoch
                    journaledKeys.removeAll()
                    before = absorbed.frontier
                }
                try checkDataKeys(calls)
                let (appends, frontier) = Self.appends(of: calls, after: before)
                let batch = LedgerJournalBatch(firstIndex: before.leafCount, entries: calls.flatMap { $0 })
                do {
                    try journal.append(LedgerJournalRecord.encode(batch), for: batch)
                } catch let error as LedgerStoreError {
                    if case .needsReopen(let reason) = error { tree.markBroken(reason) }
                    throw error
                }
                try journal.writeState(LedgerJournal.SharedState(logSize: frontier.leafCount, epoch: journalEpoch))
                for (offset, entry) in batch.entries.enumerated() {
                    if let key = entry.newDataKey { journaledKeys[key.keyID] = (key.wrapped, batch.firstIndex + UInt64(offset)) }
                }
                let applied = index.applied
                journal.removeSegments(appliedThrough: applied)
                if !journaledKeys.isEmpty { journaledKeys = journaledKeys.filter { $0.value.index >= applied } }
                return (appends, batch, frontier)
            }
        }
        tree.adopt(after)
        index.enqueue(batch)
        return appends
    }

    /// What each caller of a batch is told, and the tree once the batch is in.
    static func appends(of calls: [[LedgerPendingEntry]], after before: MerkleFrontier) -> ([LedgerAppend], MerkleFrontier) {
        var frontier = before
        var appends: [LedgerAppend] = []
        appends.reserveCapacity(calls.count)
        for call in calls {
            let firstIndex = frontier.leafCount
            for entry in call { frontier.append(leafHash: entry.leafHash) }
            appends.append(LedgerAppend(firstIndex: firstIndex, treeSize: frontier.leafCount, rootHash: frontier.rootHash))
        }
        return (appends, frontier)
    }

    /// A key offered again with the same bytes is fine (the recorder offers a session's key until
    /// an append commits); other bytes under a stored ID would leave entries sealed under a key
    /// that is not stored: the whole batch is refused, before anything is written.
    private func checkDataKeys(_ calls: [[LedgerPendingEntry]]) throws {
        var inBatch: [String: [UInt8]] = [:]
        for entry in calls.joined() {
            guard let key = entry.newDataKey else { continue }
            if let known = inBatch[key.keyID] ?? journaledKeys[key.keyID]?.wrapped {
                guard known == key.wrapped else { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
                continue
            }
            inBatch[key.keyID] = key.wrapped
            if try database.read({ try LedgerBatchWriter.conflicts(key, in: $0) }) { throw LedgerStoreError.dataKeyExists(keyID: key.keyID) }
        }
    }
}
