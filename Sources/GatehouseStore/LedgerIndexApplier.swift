import Foundation
import GRDB
import GatehouseLedger

/// Brings SQLite, the ledger's index, up to date with the journal, off the appenders' path:
/// batches the journal made durable are queued here and written in one transaction per round,
/// so SQLite's per-commit cost (page writes, an fsync) is paid once for many group commits. A
/// round starts once `roundEntries` entries wait, or `roundDelay` after the first one, or at once
/// when a reader waits: readers wait until SQLite holds the entries the log had when they asked
/// (`waitUntilApplied`), so every read sees every acknowledged entry.
final class LedgerIndexApplier: @unchecked Sendable {
    static let roundEntries = 512
    static let roundDelay = DispatchTimeInterval.milliseconds(10)
    /// Appends wait (`waitForRoom`) while this many entries wait for SQLite: memory stays
    /// bounded, and so does how long a reader may have to wait.
    static let maxPendingEntries = 65_536

    private let database: DatabasePool
    private let queue = DispatchQueue(label: "gatehouse.ledger.index")
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [LedgerJournalBatch] = []
    private var pendingEntries = 0
    /// Entries the running round took and has not finished writing.
    private var applyingEntries = 0
    private var draining = false
    private var roundScheduled = false
    private var waiters = 0
    private var appliedSize: UInt64
    /// Where the last queued batch ends.
    private var enqueuedEnd: UInt64
    private var failure: LedgerStoreError?
    // Guarded by `applyLock`: one SQLite write of batches at a time, from the queue or a caller.
    private let applyLock = NSLock()
    private var frontier: MerkleFrontier
    /// Runs before each round's transaction; tests use it to hold the applier back.
    var beforeApplying: (@Sendable () -> Void)?

    init(database: DatabasePool, frontier: MerkleFrontier) {
        self.database = database
        self.frontier = frontier
        appliedSize = frontier.leafCount
        enqueuedEnd = frontier.leafCount
    }

    /// Entries SQLite holds (as far as this process knows).
    var applied: UInt64 { condition.withLock { appliedSize } }

    /// The tree of what this applier has written to SQLite.
    var frontierApplied: MerkleFrontier { applyLock.withLock { frontier } }

    /// Queues a batch that is durable in the journal.
    func enqueue(_ batch: LedgerJournalBatch) {
        condition.withLock {
            pending.append(batch)
            pendingEntries += batch.entries.count
            enqueuedEnd = max(enqueuedEnd, batch.endIndex)
            scheduleRound()
        }
    }

    /// Blocks until SQLite holds the first `size` entries (starting a round if one is due).
    /// Throws once applying has failed: the entries are safe in the journal, but this store
    /// cannot serve reads until reopened.
    func waitUntilApplied(_ size: UInt64) throws {
        condition.lock()
        defer { condition.unlock() }
        waiters += 1
        defer { waiters -= 1 }
        while appliedSize < size {
            if let failure { throw failure }
            scheduleRound()
            condition.wait()
        }
    }

    /// Blocks while SQLite is `maxPendingEntries` or more behind (a burst faster than SQLite
    /// takes entries in), starting a round at once.
    func waitForRoom() {
        condition.lock()
        defer { condition.unlock() }
        while pendingEntries + applyingEntries >= Self.maxPendingEntries, failure == nil {
            waiters += 1
            scheduleRound()
            condition.wait()
            waiters -= 1
        }
    }

    /// Waits until everything queued so far has been applied (or applying failed).
    func waitUntilIdle() {
        try? waitUntilApplied(condition.withLock { enqueuedEnd })
    }

    /// Why applying failed, if it has.
    var failureReason: LedgerStoreError? { condition.withLock { failure } }

    /// Under `condition`: starts a round now if one is due, or arranges one after `roundDelay`.
    private func scheduleRound() {
        guard !draining, !pending.isEmpty, failure == nil else { return }
        if pendingEntries >= Self.roundEntries || waiters > 0 {
            draining = true
            queue.async { self.drain() }
        } else if !roundScheduled {
            roundScheduled = true
            queue.asyncAfter(deadline: .now() + Self.roundDelay) {
                let start = self.condition.withLock { () -> Bool in
                    self.roundScheduled = false
                    guard !self.draining, !self.pending.isEmpty else { return false }
                    self.draining = true
                    return true
                }
                if start { self.drain() }
            }
        }
    }

    /// Writes `batches` now, on the caller's thread, in one durable transaction; returns the
    /// frontier of what SQLite then holds.
    @discardableResult
    func apply(_ batches: [LedgerJournalBatch]) throws -> MerkleFrontier {
        try applyLock.withLock {
            let known = frontier
            let written: MerkleFrontier
            do {
                written = try database.writeWithoutTransaction { db in
                    var result = known
                    try db.inTransaction(.immediate) {
                        result = try LedgerBatchWriter.write(batches, after: known, in: db)
                        return .commit
                    }
                    return result
                }
            } catch let error as LedgerStoreError {
                throw error
            } catch {
                throw LedgerStoreError.database(StoreFailure.describe(error))
            }
            frontier = written
            condition.withLock {
                appliedSize = max(appliedSize, written.leafCount)
                condition.broadcast()
            }
            return written
        }
    }

    /// Applies rounds while one is due; the last batches of a quiet moment wait for the timer.
    private func drain() {
        while true {
            let batches = condition.withLock { () -> [LedgerJournalBatch] in
                let taken = pending
                pending.removeAll()
                applyingEntries = pendingEntries
                pendingEntries = 0
                return taken
            }
            if !batches.isEmpty {
                beforeApplying?()
                do {
                    try apply(batches)
                } catch {
                    let reason = (error as? LedgerStoreError) ?? .database("\(error)")
                    condition.withLock {
                        failure = .needsReopen("the index could not be updated from the journal (\(reason)); the entries are safe in the journal")
                        condition.broadcast()
                    }
                }
            }
            let again = condition.withLock { () -> Bool in
                draining = false
                applyingEntries = 0
                condition.broadcast()
                if failure == nil, !pending.isEmpty, pendingEntries >= Self.roundEntries || waiters > 0 {
                    draining = true
                    return true
                }
                scheduleRound()
                return false
            }
            guard again else { return }
        }
    }
}
