import Foundation
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Appends from many threads at once get distinct, contiguous indexes and build one tree.
@Suite struct LedgerConcurrencyTests {
    let fixture = LedgerFixture()

    @Test func concurrentAppendersGetContiguousIndexesAndOneTree() throws {
        let store = try fixture.open()
        defer { store.close() }
        let threads = 16
        let callsPerThread = 25
        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for call in 0..<callsPerThread {
                // Two entries per call, so contiguity within a call is checked too.
                let entries = [Array("t\(thread) c\(call) a".utf8), Array("t\(thread) c\(call) b".utf8)]
                do {
                    results.add(entries, try store.append(entries))
                } catch {
                    results.fail(error)
                }
            }
        }
        #expect(results.errors.isEmpty)
        let appends = results.appends.sorted { $0.1.firstIndex < $1.1.firstIndex }
        #expect(appends.count == threads * callsPerThread)
        var expectedIndex: UInt64 = 0
        var ordered: [[UInt8]] = []
        for (entries, appended) in appends {
            #expect(appended.firstIndex == expectedIndex && appended.treeSize == expectedIndex + 2)
            expectedIndex = appended.treeSize
            ordered += entries
        }
        let reference = MerkleTree(entries: ordered)
        #expect(try store.rootHash == reference.rootHash)
        // Each caller's root is the root of the log at its own tree size.
        for (_, appended) in appends.prefix(50) {
            #expect(appended.rootHash == (try reference.rootHash(treeSize: appended.treeSize)))
        }
        #expect(try store.entries(in: 0..<expectedIndex).next()?.bytes == ordered[0])
        #expect(store.committedTransactionCount <= threads * callsPerThread)
    }

    @Test func callersQueuedBehindACommitShareTheNextTransaction() async throws {
        let calls = 100
        let holder = WriterHolder()
        let first = FirstTime()
        let store = try fixture.open(beforeCommit: { if first.claim() { holder.holdWriter() } })
        defer { store.close() }
        async let held = append(store, [[0]])
        try await holder.waitUntilWriterIsHeld()
        async let results = withThrowingTaskGroup(of: LedgerAppend.self) { group in
            for call in 1...calls { group.addTask { try await append(store, [Array("call \(call)".utf8)]) } }
            return try await group.reduce(into: [LedgerAppend]()) { $0.append($1) }
        }
        while store.waitingCallerCount < calls { try await Task.sleep(for: .milliseconds(2)) }
        holder.release()
        #expect(try await held.firstIndex == 0)
        #expect(Set(try await results.map(\.firstIndex)) == Set(1...UInt64(calls)))
        #expect(store.committedTransactionCount == 2)
    }
}

/// Results gathered from many threads.
final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storedAppends: [([[UInt8]], LedgerAppend)] = []
    private var storedErrors: [Error] = []
    func add(_ entries: [[UInt8]], _ appended: LedgerAppend) { lock.withLock { storedAppends.append((entries, appended)) } }
    func fail(_ error: Error) { lock.withLock { storedErrors.append(error) } }
    var appends: [([[UInt8]], LedgerAppend)] { lock.withLock { storedAppends } }
    var errors: [Error] { lock.withLock { storedErrors } }
}
