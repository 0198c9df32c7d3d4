import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Logging
import Testing

@testable import GatehouseStore

/// A temporary directory for one test's ledger database, removed afterwards.
final class LedgerFixture {
    let directory = FileManager.default.temporaryDirectory.path + "/gatehouse-ledger-tests-" + UUID().uuidString
    var path: String { directory + "/state/ledger.sqlite" }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func open(beforeCommit: (@Sendable () -> Void)? = nil) throws -> SQLiteLedgerStore {
        try SQLiteLedgerStore(path: path, logger: Logger(label: "test.ledger-store"), beforeCommit: beforeCommit)
    }

    /// Distinct entries of varying length (empty included), so leaf hashes all differ.
    static func entry(_ index: Int) -> [UInt8] {
        Array("entry \(index) ".utf8) + [UInt8](repeating: UInt8(index & 0xFF), count: index % 7)
    }
}

@Suite struct LedgerRoundTripTests {
    let fixture = LedgerFixture()

    @Test func appendedEntriesReadBackInOrder() throws {
        let store = try fixture.open()
        defer { store.close() }
        let first = try store.append([LedgerFixture.entry(0), LedgerFixture.entry(1)])
        #expect(first.firstIndex == 0 && first.treeSize == 2 && first.indexes == 0..<2)
        let second = try store.append([[], LedgerFixture.entry(3)])
        #expect(second.firstIndex == 2 && second.treeSize == 4)
        let expected = [LedgerFixture.entry(0), LedgerFixture.entry(1), [], LedgerFixture.entry(3)]
        #expect(second.rootHash == MerkleTree(entries: expected).rootHash)
        #expect(try store.leafCount == 4)

        #expect(try store.entry(at: 2)?.bytes == [])
        #expect(try store.entry(at: 3)?.leafHash == .leafHash(LedgerFixture.entry(3)))
        #expect(try store.entry(at: 4) == nil)
        var read: [LedgerStoredEntry] = []
        try store.entries(in: 0..<100, batchSize: 3).forEach { read.append($0) }
        #expect(read.map(\.bytes) == expected)
        #expect(read.map(\.index) == [0, 1, 2, 3])
        #expect(try store.entries(in: 4..<9).next() == nil)
    }

    @Test func anEmptyAppendChangesNothing() throws {
        let store = try fixture.open()
        defer { store.close() }
        try store.append([LedgerFixture.entry(0)])
        let empty = try store.append([[UInt8]]())
        #expect(empty == LedgerAppend(firstIndex: 1, treeSize: 1, rootHash: .leafHash(LedgerFixture.entry(0))))
        #expect(store.committedTransactionCount == 1)
    }

    @Test func streamingALargeRangeHoldsOneBatchAtATime() throws {
        let store = try fixture.open()
        defer { store.close() }
        for chunk in 0..<10 { try store.append((0..<500).map { LedgerFixture.entry(chunk * 500 + $0) }) }
        var count: UInt64 = 0
        let cursor = try store.entries(in: 1000..<4321, batchSize: 256)
        while let entry = try cursor.next() {
            #expect(entry.index == 1000 + count)
            count += 1
        }
        #expect(count == 3321)
    }

    @Test func subjectsFindTheEntriesThatTouchedThem() throws {
        let store = try fixture.open()
        defer { store.close() }
        let alice = SubjectReference(kind: "email", digest: "aa11")
        let card = SubjectReference(kind: "card", digest: "cc22")
        try store.append([LedgerAppendEntry(bytes: [1], subjects: [alice]), LedgerAppendEntry(bytes: [2])])
        try store.append([LedgerAppendEntry(bytes: [3], subjects: [alice, card])])
        #expect(try store.subjects(digest: "aa11") == [LedgerSubjectHit(kind: "email", index: 0), LedgerSubjectHit(kind: "email", index: 2)])
        #expect(try store.subjects(digest: "cc22") == [LedgerSubjectHit(kind: "card", index: 2)])
        #expect(try store.subjects(digest: "none") == [])
    }

    @Test func dataKeysAreStoredOnceAndErasedForGood() throws {
        let store = try fixture.open()
        defer { store.close() }
        let createdAt = Date(timeIntervalSince1970: 1_795_000_000.5)
        try store.storeDataKey(LedgerNewDataKey(keyID: "k1", wrapped: [9, 8, 7], connection: "shop", createdAt: createdAt))
        #expect(try store.dataKey(keyID: "k1") == LedgerDataKey(keyID: "k1", wrapped: [9, 8, 7], connection: "shop", createdAt: createdAt,
                                                                 erasedAt: nil, erasedBecause: nil))
        #expect(try store.dataKeys(createdBefore: createdAt).isEmpty)
        #expect(try store.dataKeys(createdBefore: createdAt.addingTimeInterval(1)).map(\.keyID) == ["k1"])
        let again = LedgerNewDataKey(keyID: "k1", wrapped: [1], connection: nil, createdAt: createdAt)
        #expect(throws: LedgerStoreError.dataKeyExists(keyID: "k1")) { try store.storeDataKey(again) }
        let erasedAt = Date(timeIntervalSince1970: 1_795_678_200.123)
        try store.eraseDataKey(keyID: "k1", at: erasedAt, because: "retention")
        let erased = try #require(try store.dataKey(keyID: "k1"))
        #expect(erased.wrapped == nil && erased.erasedAt == erasedAt && erased.erasedBecause == "retention")
        #expect(try store.dataKeys(createdBefore: createdAt.addingTimeInterval(1)).isEmpty)
        #expect(throws: LedgerStoreError.dataKeyExists(keyID: "k1")) { try store.storeDataKey(again) }
        #expect(throws: LedgerStoreError.dataKeyUnknown(keyID: "k2")) { try store.eraseDataKey(keyID: "k2") }
        #expect(try store.dataKey(keyID: "k2") == nil)
    }

    @Test func aSessionsFirstEntryStoresItsDataKeyInTheSameBatch() throws {
        let store = try fixture.open()
        defer { store.close() }
        let createdAt = Date(timeIntervalSince1970: 1_795_000_000)
        let key = LedgerNewDataKey(keyID: "s-1", wrapped: [4, 2], connection: "shop", createdAt: createdAt)
        try store.append([LedgerAppendEntry(bytes: Array("a".utf8), sessionID: "s-1", time: createdAt, newDataKey: key),
                          LedgerAppendEntry(bytes: Array("b".utf8), sessionID: "s-1", time: createdAt)])
        #expect(try store.dataKey(keyID: "s-1")?.wrapped == [4, 2])
        #expect(try store.entryIndexes(sessionID: "s-1") == [0, 1])
        // Offered again (the recorder does until an append commits): the same bytes are fine.
        try store.append([LedgerAppendEntry(bytes: Array("c".utf8), sessionID: "s-1", newDataKey: key)])
        // Other bytes under the same ID fail the whole batch: no entry sealed under a key that is not stored.
        var other = key
        other.wrapped = [6]
        #expect(throws: RecordingError.self) {
            try store.append([LedgerAppendEntry(bytes: Array("d".utf8), sessionID: "s-1", newDataKey: other)])
        }
        #expect(try store.leafCount == 3)
        #expect(try store.dataKey(keyID: "s-1")?.wrapped == [4, 2])
    }

    @Test func theDatabaseIsDurableWAL() throws {
        let store = try fixture.open()
        defer { store.close() }
        let (journal, synchronous) = try store.withWriterConnection { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journal == "wal" && synchronous == 2)
    }

    @Test func aClosedStoreRefusesEverything() throws {
        let store = try fixture.open()
        try store.append([[1]])
        store.close()
        #expect(throws: RecordingError.self) { try store.append([[2]]) }
        #expect(throws: LedgerStoreError.closed) { try store.leafCount }
        #expect(throws: LedgerStoreError.closed) { try store.entry(at: 0) }
        store.close()  // twice is harmless
    }
}
