import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// A batch is one transaction: when anything in it fails, none of its entries, nodes or
/// subjects remain, every caller in it is refused, and the tree continues as if it never came.
@Suite struct LedgerAtomicityTests {
    let fixture = LedgerFixture()

    /// Makes SQLite fail when a level-2 node is inserted: late in the transaction, after
    /// entries, subjects and level-1 nodes of the batch were written.
    static func failOnLevelTwoNodes(_ store: SQLiteLedgerStore) throws {
        try store.withWriterConnection { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse_level_two BEFORE INSERT ON nodes WHEN NEW.level = 2
                BEGIN SELECT RAISE(ABORT, 'simulated failure'); END
                """)
        }
    }

    static func count(_ table: String, in store: SQLiteLedgerStore) throws -> Int {
        try store.withWriterConnection { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)")! }
    }

    @Test func aFailedBatchLeavesNothingBehind() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append([LedgerFixture.entry(0)])
        try Self.failOnLevelTwoNodes(store)
        // Entries 1, 2, 3: entry 3 completes (1, 1) and then (2, 0), which fails.
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

        try store.withWriterConnection { try $0.execute(sql: "DROP TRIGGER refuse_level_two") }
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
        try Self.failOnLevelTwoNodes(store)
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
