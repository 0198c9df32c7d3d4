import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Logging
import Testing

@testable import GatehouseStore

/// The journal is where an append becomes durable; SQLite catches up behind it. What a crash
/// leaves (an acknowledged batch only in the journal, a torn last record) opens with every
/// acknowledged entry; damage a crash cannot leave is refused; readers never see less than was
/// acknowledged; and the journal does not keep what SQLite holds, nor an erased key.
@Suite struct LedgerJournalTests {
    let fixture = LedgerFixture()
    var journalDirectory: String { fixture.path + ".journal" }

    /// Holds the store's applier (SQLite stays behind the journal) until released.
    final class ApplierGate: @unchecked Sendable {
        private let condition = NSCondition()
        private var open = false
        func hold(_ store: SQLiteLedgerStore) {
            store.index.beforeApplying = { [self] in
                condition.lock()
                while !open { condition.wait() }
                condition.unlock()
            }
        }
        func release() {
            condition.lock()
            open = true
            condition.broadcast()
            condition.unlock()
        }
    }

    func segments(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }.sorted()
    }

    /// The state directory as a crash at this moment would leave it (nothing is being written:
    /// the writer is idle and the applier held), copied to a fresh fixture.
    func crashCopy() throws -> LedgerFixture {
        let copy = LedgerFixture()
        try FileManager.default.createDirectory(atPath: copy.directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.directory + "/state", toPath: copy.directory + "/state")
        return copy
    }

    func sqliteEntryCount(_ fixture: LedgerFixture) throws -> Int {
        try DatabaseQueue(path: fixture.path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM entries")! }
    }

    /// Appends entries 0..<5 (taken into SQLite), then 5..<12 in two batches held in the journal.
    func logWithJournalTail() throws -> (SQLiteLedgerStore, ApplierGate) {
        let store = try fixture.open()
        try store.append((0..<5).map(LedgerFixture.entry))
        _ = try store.entry(at: 4)  // waits until SQLite holds it
        let gate = ApplierGate()
        gate.hold(store)
        try store.append((5..<9).map(LedgerFixture.entry))
        try store.append((9..<12).map(LedgerFixture.entry))
        return (store, gate)
    }

    /// What a crash leaves right after `logWithJournalTail`; the original is then closed.
    func crashCopyWithJournalTail() throws -> LedgerFixture {
        let (store, gate) = try logWithJournalTail()
        let copy = try crashCopy()
        gate.release()
        store.close()
        return copy
    }

    @Test func anAcknowledgedBatchOnlyInTheJournalSurvivesACrash() throws {
        let copy = try crashCopyWithJournalTail()
        #expect(try sqliteEntryCount(copy) == 5)  // the rest is only in the journal

        let reopened = try copy.open()
        defer { reopened.close() }
        let reference = MerkleTree(entries: (0..<12).map(LedgerFixture.entry))
        #expect(try reopened.leafCount == 12 && reopened.rootHash == reference.rootHash)
        #expect(try reopened.entry(at: 11)?.bytes == LedgerFixture.entry(11))
        #expect(try segments(in: copy.path + ".journal").isEmpty)  // absorbed on open
        #expect(try reopened.append([LedgerFixture.entry(12)]).firstIndex == 12)
    }

    @Test func aTornRecordAtTheJournalsEndIsCutOffOnOpen() throws {
        let copy = try crashCopyWithJournalTail()
        // A crash in the middle of writing the next batch: part of its record reached the disk.
        let journal = copy.path + ".journal"
        let last = journal + "/" + (try segments(in: journal).last!)
        let partial = LedgerJournalRecord.encode(LedgerJournalBatch(firstIndex: 12, entries: [
            LedgerPendingEntry(LedgerAppendEntry(bytes: LedgerFixture.entry(12)))])).prefix(30)
        // Written where the segment's records end (the rest of the segment is allocated zeros).
        let written = LedgerJournalRecord.decode(try [UInt8](Data(contentsOf: URL(fileURLWithPath: last)))).validLength
        let handle = try #require(FileHandle(forWritingAtPath: last))
        try handle.seek(toOffset: UInt64(written))
        try handle.write(contentsOf: Data(partial))
        try handle.close()

        let reopened = try copy.open()
        defer { reopened.close() }
        #expect(try reopened.leafCount == 12)
        #expect(try reopened.rootHash == MerkleTree(entries: (0..<12).map(LedgerFixture.entry)).rootHash)
    }

    @Test func damageInsideTheJournalRefusesToOpen() throws {
        let copy = try crashCopyWithJournalTail()
        let journal = copy.path + ".journal"
        let path = journal + "/" + (try segments(in: journal).first!)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[LedgerJournalRecord.headerLength + 20] ^= 0x01  // inside the first record, with another after it
        try bytes.write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: LedgerStoreError.self) { try copy.open() }
        guard case .journal(let message)? = error else {
            Issue.record("expected a journal error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("damaged at byte 0") && message.contains(".seg"))
    }

    @Test func readsWaitUntilSQLiteHoldsEveryAcknowledgedEntry() async throws {
        let (store, gate) = try logWithJournalTail()
        defer { store.close() }
        let done = NSCondition()
        nonisolated(unsafe) var read: [UInt8]?
        Thread.detachNewThread {
            let entry = try? store.entry(at: 10)
            done.lock()
            read = entry?.bytes
            done.broadcast()
            done.unlock()
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(done.withLock { read } == nil)  // still waiting for the applier
        gate.release()
        done.lock()
        while read == nil { done.wait() }
        done.unlock()
        #expect(read == LedgerFixture.entry(10))
    }

    /// Appends faster than SQLite takes them in wait once `maxPendingEntries` are queued, so
    /// memory (and a reader's wait) stays bounded; they go on as soon as SQLite catches up.
    @Test func appendsWaitWhileSQLiteIsTooFarBehind() async throws {
        let store = try fixture.open()
        defer { store.close() }
        let gate = ApplierGate()
        gate.hold(store)
        try store.append([[UInt8]](repeating: [1], count: LedgerIndexApplier.maxPendingEntries))
        let done = NSCondition()
        nonisolated(unsafe) var appended: LedgerAppend?
        store.append([LedgerAppendEntry(bytes: [2])]) { result in
            done.withLock {
                appended = try? result.get()
                done.broadcast()
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(done.withLock { appended } == nil)  // held back: SQLite is a whole window behind
        gate.release()
        done.lock()
        while appended == nil { done.wait() }
        done.unlock()
        #expect(appended?.firstIndex == UInt64(LedgerIndexApplier.maxPendingEntries))
    }

    @Test func segmentsAreRemovedOnceAppliedAndCloseLeavesNone() throws {
        let store = try SQLiteLedgerStore(path: fixture.path, logger: Logger(label: "test.ledger-store"), beforeCommit: nil,
                                          segmentLimit: 512)
        for start in stride(from: 0, to: 400, by: 5) {
            try store.append((start..<(start + 5)).map(LedgerFixture.entry))
        }
        #expect(store.committedTransactionCount == 80)
        _ = try store.entry(at: 399)
        try store.append([LedgerFixture.entry(400)])  // the writer removes what SQLite now holds
        #expect(try segments(in: journalDirectory).count <= 2)
        store.close()
        #expect(try segments(in: journalDirectory).isEmpty)
        let reopened = try fixture.open()
        defer { reopened.close() }
        #expect(try reopened.rootHash == MerkleTree(entries: (0...400).map(LedgerFixture.entry)).rootHash)
    }

    /// A ledger written before the journal existed is a database alone: it opens as it is.
    @Test func aLedgerWithoutAJournalOpensAndTakesAppends() throws {
        let store = try fixture.open()
        try store.append((0..<20).map(LedgerFixture.entry))
        store.close()
        try FileManager.default.removeItem(atPath: journalDirectory)
        let reopened = try fixture.open()
        defer { reopened.close() }
        #expect(try reopened.leafCount == 20)
        #expect(try reopened.append([LedgerFixture.entry(20)]).rootHash == MerkleTree(entries: (0...20).map(LedgerFixture.entry)).rootHash)
    }

    @Test func erasingAKeyLeavesNoCopyOfItInTheJournal() throws {
        let store = try fixture.open()
        defer { store.close() }
        let wrapped = Array("wrapped-key-bytes-that-must-go-0".utf8)
        try store.append([LedgerAppendEntry(bytes: LedgerFixture.entry(0), sessionID: "s-9",
                                            newDataKey: LedgerNewDataKey(keyID: "s-9", wrapped: wrapped, connection: nil, createdAt: Date()))])
        func journalHoldsKey() throws -> Bool {
            try FileManager.default.contentsOfDirectory(atPath: journalDirectory).contains { name in
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: journalDirectory + "/" + name)))
                return bytes.count >= wrapped.count && (0...(bytes.count - wrapped.count)).contains { bytes[$0..<($0 + wrapped.count)].elementsEqual(wrapped) }
            }
        }
        #expect(try journalHoldsKey())  // ground truth: the journal did hold it
        try store.eraseDataKey(keyID: "s-9")
        #expect(try !journalHoldsKey())
        #expect(try store.dataKey(keyID: "s-9")?.wrapped == nil)
        #expect(try store.append([LedgerFixture.entry(1)]).firstIndex == 1)
    }
}
