import Foundation
import GatehouseLedger

/// The ledger with a shared log (several gateway instances, one PostgreSQL store): each group
/// commit is one record in the shared log, committed there before any caller is told; SQLite is
/// this instance's index of the whole log. Before each append and each read, the instance takes
/// in what the others appended, checking every record's tree root, so every instance holds the
/// same tree or stops.
extension SQLiteLedgerStore {
    /// Appends race optimistically: the record claims the next index, and when another instance
    /// took it first, this one takes in what was appended and builds the batch again. Someone
    /// wins every round, so this gives up only if the store keeps answering "taken" without
    /// the records to show for it.
    static let maxAppendAttempts = 64

    /// One group commit: one record (new data keys stored beside it, not in it), committed.
    func commitShared(_ calls: [[LedgerPendingEntry]], to sharedLog: any LedgerSharedLog) throws -> [LedgerAppend] {
        try journalLock.withLock {
            var before = try tree.frontierForWriting()
            var newKeys: [LedgerNewDataKey] = []
            var offered: Set<String> = []
            for case let key? in calls.joined().map(\.newDataKey) where offered.insert(key.keyID).inserted { newKeys.append(key) }
            let entries = calls.joined().map(\.withoutDataKey)
            for _ in 0..<Self.maxAppendAttempts {
                let (appends, frontier) = Self.appends(of: calls, after: before)
                let batch = LedgerJournalBatch(firstIndex: before.leafCount, entries: entries)
                let record = LedgerSharedRecord(firstIndex: batch.firstIndex, entryCount: entries.count,
                                                bytes: LedgerJournalRecord.encode(batch), rootAfter: frontier.rootHash.bytes)
                if try sharedLog.append(record, newDataKeys: newKeys) {
                    tree.adopt(frontier)
                    index.enqueue(batch)
                    return appends
                }
                before = try takeIn(sharedLog, after: before)
                tree.adopt(before)
            }
            throw LedgerStoreError.database("the shared log \(sharedLog.description) refused \(Self.maxAppendAttempts) appends in a row "
                                            + "as taken, without records to show for them")
        }
    }

    /// Takes in what other instances appended since this one last looked (readers call it, so
    /// a read sees every entry acknowledged anywhere before it began).
    func catchUpWithSharedLog() throws {
        guard let sharedLog else { return }
        let size = try sharedLog.size()
        guard size > (try tree.committed().leafCount) else { return }
        try journalLock.withLock {
            let known = try tree.committed()
            guard size > known.leafCount else { return }
            tree.adopt(try takeIn(sharedLog, after: known))
        }
    }

    /// The records that follow `frontier`, decoded, each one's root checked against the tree
    /// it extends, and queued for SQLite (readers wait for it there); returns the extended tree.
    /// A page at a time: a new instance may take in a long log.
    func takeIn(_ sharedLog: any LedgerSharedLog, after known: MerkleFrontier) throws -> MerkleFrontier {
        var frontier = known
        var derivations: [[UInt8]] = []
        defer { if !derivations.isEmpty { derivedClassificationObserver.notify(derivations) } }
        while true {
            let page = try sharedLog.records(from: frontier.leafCount, limit: Self.catchUpPage)
            if page.isEmpty { return frontier }
            for record in page {
                let batch = try Self.checkedBatch(record, extending: &frontier, log: sharedLog.description)
                derivations += batch.entries.filter(\.derivesClassification).map(\.bytes)
                index.waitForRoom()
                index.enqueue(batch)
            }
        }
    }

    /// Calls `observer` with the bytes of every `classification` entry another instance appended,
    /// as this one takes it in: a copy of personal data made through any instance becomes personal
    /// data on this one too (the gateway adopts it, as it does its own at once).
    public func observeDerivedClassification(_ observer: @escaping @Sendable ([[UInt8]]) -> Void) {
        derivedClassificationObserver.set(observer)
    }

    /// At open: refuses an index the log does not account for (longer than the log, or with
    /// another root where a record of the log ends: another store's, or a changed log), then
    /// takes in everything that follows it, written to SQLite before the store is used.
    static func openIndex(_ index: LedgerIndexApplier, of sharedLog: any LedgerSharedLog) throws -> MerkleFrontier {
        var frontier = index.frontierApplied
        if frontier.leafCount > 0 {
            guard let stated = try sharedLog.root(atSize: frontier.leafCount), stated == frontier.rootHash.bytes else {
                throw LedgerStoreError.journal(
                    "this instance's ledger index holds \(frontier.leafCount) entries that the shared log \(sharedLog.description) does "
                    + "not account for (it belongs to another store, or the log was changed); move it aside to rebuild it from the shared log")
            }
        }
        while true {
            let page = try sharedLog.records(from: frontier.leafCount, limit: Self.catchUpPage)
            if page.isEmpty { return frontier }
            let batches = try page.map { try checkedBatch($0, extending: &frontier, log: sharedLog.description) }
            frontier = try index.apply(batches)
        }
    }

    /// The record's batch, once it decodes, follows `frontier` and gives the root it states
    /// (`frontier` is then extended by it).
    private static func checkedBatch(_ record: LedgerSharedRecord, extending frontier: inout MerkleFrontier,
                                     log: String) throws -> LedgerJournalBatch {
        let scan = LedgerJournalRecord.decode(record.bytes)
        guard scan.damage == nil, scan.batches.count == 1, let batch = scan.batches.first, batch.firstIndex == frontier.leafCount,
              batch.firstIndex == record.firstIndex, batch.entries.count == record.entryCount else {
            throw LedgerStoreError.journal("the shared log's record at entry \(record.firstIndex) is damaged or out of order")
        }
        for entry in batch.entries { frontier.append(leafHash: entry.leafHash) }
        guard frontier.rootHash.bytes == record.rootAfter else {
            throw LedgerStoreError.journal("the shared log's record at entry \(record.firstIndex) does not give the root it states: "
                                           + "its entries were changed")
        }
        return batch
    }

    /// Records taken in per query while catching up.
    static let catchUpPage = 256
}

/// The observer `observeDerivedClassification` sets.
final class DerivedClassificationObserver: @unchecked Sendable {
    private let lock = NSLock()
    private var observer: (@Sendable ([[UInt8]]) -> Void)?

    func set(_ observer: @escaping @Sendable ([[UInt8]]) -> Void) { lock.withLock { self.observer = observer } }

    func notify(_ entries: [[UInt8]]) { lock.withLock { observer }?(entries) }
}
