import Foundation
import GatehouseLedger

/// The committed tree's frontier, shared by the single writer (which replaces it after each
/// COMMIT) and readers (which bound every answer by its size, so they never see a tree the
/// store has not finished committing). Also whether the store has become unusable.
final class LedgerTreeState: @unchecked Sendable {
    // Everything below `lock` is guarded by it.
    private let lock = NSLock()
    private var frontier: MerkleFrontier
    private var closed = false
    private var brokenReason: String?

    init(frontier: MerkleFrontier) { self.frontier = frontier }

    /// The committed frontier, for reads; throws once closed.
    func committed() throws -> MerkleFrontier {
        try lock.withLock {
            guard !closed else { throw LedgerStoreError.closed }
            return frontier
        }
    }

    /// The frontier the next batch builds on; throws once the store is broken or closed.
    func frontierForWriting() throws -> MerkleFrontier {
        try lock.withLock {
            if let brokenReason { throw LedgerStoreError.needsReopen(brokenReason) }
            return frontier
        }
    }

    /// Called after COMMIT returned, before any caller of the batch is told.
    func adopt(_ newFrontier: MerkleFrontier) { lock.withLock { frontier = newFrontier } }

    /// Disk and memory may disagree: refuse further appends until the store is reopened
    /// (opening re-derives the frontier from disk and verifies it).
    func markBroken(_ reason: String) { lock.withLock { brokenReason = reason } }

    func close() { lock.withLock { closed = true } }
}
