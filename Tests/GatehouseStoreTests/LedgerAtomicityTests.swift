import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// A batch is one journal record: when writing it fails, none of its entries, nodes or subjects
/// remain (in the journal or in SQLite), every caller in it is refused, and the tree continues
/// as if it never came.
@Suite struct LedgerAtomicityTests {
    let fixture = LedgerFixture()

    /// Makes the journal fail a batch once its record is written, before it is synced: the
    /// store must cut the record back off and refuse every caller of the batch.
    static func failBatchesReaching(_ size: UInt64, _ store: SQLiteLedgerStore) {
        store.injectJournalFault { batch in
            if batch.endIndex >= size { throw LedgerStoreError.journal("simulated failure") }
        }
    }

    static func count(_ table: String, in store: SQLiteLedgerStore) throws -> Int {
        try store.withWriterConnection { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)")! }
    }

    @Test func aFailedBatchLeavesNothingBehind() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append([LedgerFixture.entry(0)])
        Self.failBatchesReaching(4, store)
        // Entries 1, 2, 3: entry 3 completes (1, 1) and then (2, 0); the batch fails.
        do {
            try store.append((1...3).map { LedgerAppendEntry(bytes: LedgerFixture.entry($0), subjects: [.init(kind: "email", digest: "d\($0)")]) })
            Issue.record("a failed batch was reported as appended")
        } catch let error as RecordingError {
            #expect(error.description.contains("simulated failure"))
        }
        #expect(try store.leafCount == 1)
        #expect(try Self.count("entries", in: store) == 1)
        #expect(try Self.count("nodes", in: store) == 0)
        #expect(try Self.count("subjects", in: store) == 0)

        store.injectJournalFault(nil)
        let appended = try store.append((1...5).map(LedgerFixture.entry))
        #expect(appended.firstIndex == 1 && appended.treeSize == 6)
        #expect(appended.rootHash == MerkleTree(entries: (0...5).map(LedgerFixture.entry)).rootHash)
        store.close()
        #expect(try fixture.open().leafCount == 6)  // and it verifies on open
    }

    @Test func everyCallerOfAFailedBatchIsRefused() async throws {
        let holder = WriterHolder()
        let first = FirstTime()
        let store = try fixture.open(beforeCommit: { if first.claim() { holder.holdWriter() } })
        defer { store.close() }
        // Batch 1 is entry 0 alone, held while three callers queue behind it; together they
        // add entries 1-3, whose level-2 node fails, so all three are refused.
        async let held = append(store, [LedgerFixture.entry(0)])
        try await holder.waitUntilWriterIsHeld()
        Self.failBatchesReaching(4, store)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 1...3 {
                group.addTask { (try? await append(store, [LedgerFixture.entry(index)])) != nil }
            }
            while store.waitingCallerCount < 3 { try await Task.sleep(for: .milliseconds(1)) }
            holder.release()
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(try await held.firstIndex == 0)
        #expect(results == [false, false, false])
        #expect(store.failedTransactionCount == 1)
        #expect(try store.leafCount == 1)
    }
}

/// `append(_:completion:)` awaited.
func append(_ store: SQLiteLedgerStore, _ entries: [[UInt8]]) async throws -> LedgerAppend {
    try await withCheckedThrowingContinuation { continuation in
        store.append(entries) { continuation.resume(with: $0) }
    }
}

/// True for the first caller only (thread-safe).
final class FirstTime: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    func claim() -> Bool {
        lock.withLock {
            defer { claimed = true }
            return !claimed
        }
    }
}
